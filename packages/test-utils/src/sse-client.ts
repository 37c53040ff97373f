import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ReceivedEvent {
  event: string;
  id: string;
  data: unknown;
}

export interface ReadEventsOptions {
  lastEventId?: string;
  /** Stop (and disconnect) once this returns true for a received event. */
  until?: (event: ReceivedEvent, all: ReceivedEvent[]) => boolean;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/**
 * Reads a run's Server-Sent Events until the server closes the stream or `until` says stop.
 * Returns the events and the HTTP status (204 when there was nothing left to send).
 */
export async function readEvents(
  url: string,
  options: ReadEventsOptions = {},
): Promise<{ status: number; events: ReceivedEvent[] }> {
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error('readEvents timed out')),
    options.timeoutMs ?? 120_000,
  );
  const events: ReceivedEvent[] = [];
  try {
    const response = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        ...(options.lastEventId !== undefined ? { 'last-event-id': options.lastEventId } : {}),
        ...options.headers,
      },
      signal: abort.signal,
    });
    if (response.status !== 200 || !response.body) return { status: response.status, events };
    let stop = false;
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        if (stop) return;
        const event = {
          event: message.event ?? 'message',
          id: message.id ?? '',
          data: JSON.parse(message.data) as unknown,
        };
        events.push(event);
        if (options.until?.(event, events)) stop = true;
      },
    });
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    while (!stop) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    if (stop) await reader.cancel().catch(() => undefined);
    return { status: response.status, events };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

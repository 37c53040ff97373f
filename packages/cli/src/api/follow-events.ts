import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { agentSchema, isFinalRunStatus, runSchema, type RunStreamEvent } from '@fanout/shared';
import { CliError } from '../cli-error.js';
import { ConnectionError } from './api-error.js';
import type { ApiClient } from './client.js';

export interface FollowOptions {
  /** Resume after this event id (`'0'` replays from the start); null starts with the run as it is now. */
  lastEventId?: string | null;
  /** Stops following; the generator then ends quietly. */
  signal: AbortSignal;
  /** Told before each reconnection, with why the stream dropped. */
  onReconnect?: (reason: string, delayMs: number) => void;
  /** The server sends a comment every 15 s: a connection silent for longer than this is dead. */
  idleTimeoutMs?: number;
  /** Give up when the server cannot be reached for this long in a row. */
  giveUpAfterMs?: number;
  /** Waits between reconnections (the last repeats). */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1000, 2000, 5000];

/**
 * Follows a run's Server-Sent Events until the final `run` event (or until `signal` aborts), reconnecting
 * with `Last-Event-ID` whenever the stream drops, so no event is lost or repeated.
 */
export async function* followRunEvents(
  client: ApiClient,
  runId: string,
  options: FollowOptions,
): AsyncGenerator<RunStreamEvent, void, undefined> {
  const { signal } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 120_000;
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  let lastEventId = options.lastEventId ?? null;
  let failingSince: number | null = null;
  let attempt = 0;

  while (!signal.aborted) {
    const connection = new AbortController();
    const stop = () => connection.abort();
    signal.addEventListener('abort', stop, { once: true });
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => connection.abort(new Error(`no data for ${idleTimeoutMs / 1000} s`)),
        idleTimeoutMs,
      );
    };
    let dropped: string;
    try {
      armIdle();
      const response = await client.openEvents(runId, lastEventId, connection.signal);
      // 204: resumed from the final event; there is nothing more to send.
      if (response.status === 204 || !response.body) return;
      failingSince = null;
      attempt = 0;
      const queue: RunStreamEvent[] = [];
      let bad: CliError | null = null;
      const parser = createParser({
        onEvent(message) {
          try {
            const event = toStreamEvent(message);
            if (event) queue.push(event);
          } catch (error) {
            bad ??= CliError.isInstance(error) ? error : new CliError(String(error));
          }
        },
      });
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          armIdle();
          parser.feed(decoder.decode(value, { stream: true }));
          if (bad) throw bad;
          while (queue.length > 0) {
            const event = queue.shift()!;
            if (event.id !== '') lastEventId = event.id;
            yield event;
            if (event.event === 'run' && isFinalRunStatus(event.data.status)) return;
          }
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
      dropped = 'the server closed the stream';
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ConnectionError) dropped = error.message;
      else if (CliError.isInstance(error)) throw error;
      else if (connection.signal.aborted && connection.signal.reason instanceof Error)
        dropped = connection.signal.reason.message;
      else dropped = `the connection broke (${error instanceof Error ? error.message : String(error)})`;
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', stop);
    }
    failingSince ??= Date.now();
    if (Date.now() - failingSince > giveUpAfterMs) {
      throw new CliError(`lost the event stream of run ${runId}: ${dropped}`);
    }
    const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
    attempt++;
    options.onReconnect?.(dropped, delay);
    await sleep(delay, signal);
  }
}

/** One parsed SSE message as a typed stream event; null for events this client does not know. */
export function toStreamEvent(message: EventSourceMessage): RunStreamEvent | null {
  const name = message.event;
  if (name !== 'run' && name !== 'agent' && name !== 'message') return null;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    throw new CliError(`the server sent a ${name} event that is not JSON`);
  }
  const id = message.id ?? '';
  switch (name) {
    case 'run':
      if (!runSchema.safeParse(data).success)
        throw new CliError('the server sent a run event of an unexpected shape');
      return { event: 'run', id, data: data as Extract<RunStreamEvent, { event: 'run' }>['data'] };
    case 'agent':
      if (!agentSchema.safeParse(data).success)
        throw new CliError('the server sent an agent event of an unexpected shape');
      return { event: 'agent', id, data: data as Extract<RunStreamEvent, { event: 'agent' }>['data'] };
    case 'message': {
      const d = data as { agent?: unknown; seq?: unknown } | null;
      if (typeof d !== 'object' || d === null || typeof d.agent !== 'number' || typeof d.seq !== 'number') {
        throw new CliError('the server sent a message event of an unexpected shape');
      }
      return { event: 'message', id, data: data as Extract<RunStreamEvent, { event: 'message' }>['data'] };
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

import { isFinalRunStatus, type RunStreamEvent } from '@fanout/shared';
import { createParser } from 'eventsource-parser';
import { ApiError, apiErrorFromResponse, networkError } from '../api/api-error';
import { reconnectDelay } from './reconnect-delay';
import { toRunStreamEvent } from './run-stream-event';

/**
 * connecting: first attempt; live: the stream is open; reconnecting: it was lost and is being resumed;
 * ended: the run finished and the server closed the stream; failed: the server refused it for good.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Failed attempts since the stream was last open. */
  attempt: number;
  error: ApiError | null;
}

export interface FollowRunEventsOptions {
  url: string;
  fetch: typeof fetch;
  headers?: Record<string, string>;
  signal: AbortSignal;
  onEvent: (event: RunStreamEvent) => void;
  onConnection: (info: ConnectionInfo) => void;
  /** The server refused the cursor, so the stream starts over from a fresh `run` snapshot. */
  onRestart?: () => void;
  /** Resume after this event id (`0` replays the whole run). */
  lastEventId?: string | null;
  delay?: (attempt: number) => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The server sends a comment every 15 s; silence for this long means the connection is dead. */
  idleTimeoutMs?: number;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Follows `GET /api/runs/:id/events` until the run ends, the server refuses the stream, or `signal`
 * aborts. A lost connection is resumed with `Last-Event-ID`, so no event is lost or repeated; the
 * final `run` event, or a 204 on resume, ends it. Uses fetch rather than EventSource, which would
 * reconnect forever and cannot see the 204.
 */
export async function followRunEvents(options: FollowRunEventsOptions): Promise<void> {
  const { signal, onEvent, onConnection } = options;
  const delay = options.delay ?? reconnectDelay;
  const sleep = options.sleep ?? abortableSleep;
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  let lastEventId = options.lastEventId ?? null;
  let attempt = 0;
  let everOpen = false;
  let restartedWithoutCursor = false;

  const report = (state: ConnectionState, error: ApiError | null = null) => {
    if (!signal.aborted) onConnection({ state, attempt, error });
  };

  report('connecting');
  while (!signal.aborted) {
    let lastError: ApiError | null = null;
    const connection = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    const abortConnection = () => {
      connection.abort();
      // Also end a read in progress: not every body is tied to the request's signal.
      reader?.cancel().catch(() => undefined);
    };
    signal.addEventListener('abort', abortConnection, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const resetIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(abortConnection, idleTimeoutMs);
    };

    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', ...options.headers };
      if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
      resetIdleTimer();
      let response: Response;
      try {
        response = await options.fetch(options.url, {
          headers,
          signal: connection.signal,
          cache: 'no-store',
        });
      } catch (error) {
        throw networkError(error);
      }

      if (response.status === 204) {
        report('ended');
        return;
      }
      if (response.status === 400 && lastEventId !== null && !restartedWithoutCursor) {
        // A cursor this server cannot read: start over from a snapshot rather than give up.
        restartedWithoutCursor = true;
        lastEventId = null;
        options.onRestart?.();
        continue;
      }
      if (!response.ok || !response.body) {
        const error = apiErrorFromResponse(response.status, await response.text().catch(() => ''));
        if (
          response.status >= 400 &&
          response.status < 500 &&
          response.status !== 408 &&
          response.status !== 429
        ) {
          report('failed', error);
          return;
        }
        throw error;
      }

      everOpen = true;
      attempt = 0;
      report('live');
      let finished = false;
      const parser = createParser({
        onEvent(message) {
          if (message.id !== undefined) lastEventId = message.id;
          const event = toRunStreamEvent(message);
          if (!event || finished) return;
          onEvent(event);
          if (event.event === 'run' && isFinalRunStatus(event.data.status)) finished = true;
        },
      });
      reader = response.body.getReader();
      const decoder = new TextDecoder();
      try {
        while (!finished) {
          const { done, value } = await reader.read();
          if (signal.aborted) return;
          if (done) break;
          resetIdleTimer();
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } finally {
        if (finished) await reader.cancel().catch(() => undefined);
      }
      if (finished) {
        report('ended');
        return;
      }
      // Closed before the run ended (a restarting server, a proxy timeout): resume.
    } catch (error) {
      if (signal.aborted) return;
      lastError = error instanceof ApiError ? error : networkError(error);
    } finally {
      clearTimeout(idleTimer);
      signal.removeEventListener('abort', abortConnection);
    }

    attempt += 1;
    report(everOpen ? 'reconnecting' : 'connecting', lastError);
    await sleep(delay(attempt), signal);
  }
}

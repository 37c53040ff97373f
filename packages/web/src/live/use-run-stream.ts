import type { MessageEventData, Run } from '@fanout/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError, isAbortError } from '../api/api-error';
import { applyRunEvent } from './apply-run-event';
import { followRunEvents, type ConnectionInfo } from './follow-run-events';

export interface RunStream {
  run: Run | null;
  /** Why the run could not be loaded (e.g. 404), when it could not. */
  error: ApiError | null;
  connection: ConnectionInfo;
  /** Shows a cancel the user just asked for, before the stream confirms it. */
  markCancelRequested: () => void;
}

export interface RunStreamOptions {
  /** A run already in hand (e.g. the answer of POST /api/runs), shown before the first event. */
  initialRun?: Run | null;
  onMessage?: (data: MessageEventData) => void;
  /** The stream started over from a snapshot; messages since the last one may need a reload. */
  onRestart?: () => void;
}

/** A run kept up to date by its event stream, for as long as the component is mounted. */
export function useRunStream(runId: string, options: RunStreamOptions = {}): RunStream {
  const api = useApi();
  const [run, setRun] = useState<Run | null>(options.initialRun?.id === runId ? options.initialRun : null);
  const [error, setError] = useState<ApiError | null>(null);
  const [connection, setConnection] = useState<ConnectionInfo>({
    state: 'connecting',
    attempt: 0,
    error: null,
  });
  const callbacks = useRef(options);
  useEffect(() => {
    callbacks.current = options;
  });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    api
      .getRun(runId, signal)
      // The stream may already have delivered a newer state; the first answer only fills a gap.
      .then((loaded) => setRun((current) => current ?? loaded))
      .catch((err: unknown) => {
        if (isAbortError(err)) return;
        if (err instanceof ApiError && err.status !== 0) setError(err);
      });
    void followRunEvents({
      url: api.eventsUrl(runId),
      fetch: api.fetch,
      headers: api.authHeaders,
      signal,
      onEvent(event) {
        if (event.event === 'message') callbacks.current.onMessage?.(event.data);
        else setRun((current) => applyRunEvent(current, event));
      },
      onConnection(info) {
        setConnection(info);
        if (info.state === 'failed' && info.error) {
          if (info.error.status === 401) api.onUnauthorized?.();
          setError(info.error);
        }
      },
      onRestart: () => callbacks.current.onRestart?.(),
    });
    return () => controller.abort();
  }, [api, runId]);

  const markCancelRequested = useCallback(
    () => setRun((current) => (current ? { ...current, cancelRequested: true } : current)),
    [],
  );

  return { run, error, connection, markCancelRequested };
}

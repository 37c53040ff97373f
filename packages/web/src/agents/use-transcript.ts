import type { MessageEventData } from '@fanout/shared';
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError, isAbortError } from '../api/api-error';
import { mergeEntries, parseTranscript, type TranscriptEntry } from './transcript-entry';

export interface Transcript {
  entries: TranscriptEntry[];
  loading: boolean;
  error: ApiError | null;
  /** Feed of the run's live `message` events; keeps this agent's. */
  addLive: (data: MessageEventData) => void;
  /** Read the whole file again (after the stream had to start over). */
  reload: () => void;
}

/**
 * One agent's transcript: the file as it is, merged by line number with the messages that arrive live,
 * so nothing is shown twice or lost. The file is read once the stream is `ready` (open), so that every
 * line written after the read is also on the stream.
 */
export function useTranscript(runId: string, agent: number, ready: boolean): Transcript {
  const api = useApi();
  const [entries, setEntries] = useState<TranscriptEntry[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    api
      .getTranscript(runId, agent, controller.signal)
      .then((text) => {
        setEntries((current) => mergeEntries(current, parseTranscript(text)));
        setError(null);
      })
      .catch((err: unknown) => {
        if (isAbortError(err)) return;
        setError(err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err)));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [api, runId, agent, ready, generation]);

  const addLive = useCallback(
    (data: MessageEventData) => {
      if (data.agent !== agent) return;
      setEntries((current) => mergeEntries(current, [{ seq: data.seq, message: data.message }]));
    },
    [agent],
  );
  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  return { entries, loading, error, addLive, reload };
}

import type { Run } from '@fanout/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError, isAbortError } from '../api/api-error';
import { mergeRuns } from './merge-runs';

export const PAGE_SIZE = 50;
const POLL_MS = 3000;

export interface RunsList {
  runs: Run[];
  loading: boolean;
  /** The first page could not be loaded. */
  error: ApiError | null;
  /** The last refresh failed: the list may be out of date. */
  stale: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  retry: () => void;
  /** Puts a run the user just created at the top without waiting for the next refresh. */
  add: (run: Run) => void;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error));
}

/**
 * The runs, newest first, a page at a time. The first page is fetched again every few seconds while
 * the tab is visible, so new runs and status changes appear on their own (one request, where a stream
 * per run would use up the browser's connections).
 */
export function useRunsList(): RunsList {
  const api = useApi();
  const [runs, setRuns] = useState<Run[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [stale, setStale] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const pagedBeyondFirst = useRef(false);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let first = true;

    async function refresh() {
      if (document.visibilityState === 'visible' || first) {
        try {
          const page = await api.listRuns({ limit: PAGE_SIZE }, controller.signal);
          setRuns((current) => mergeRuns(current, page.runs));
          if (!pagedBeyondFirst.current) setCursor(page.nextCursor);
          setError(null);
          setStale(false);
        } catch (err) {
          if (isAbortError(err)) return;
          if (first) setError(asApiError(err));
          else setStale(true);
        } finally {
          if (first) setLoading(false);
          first = false;
        }
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void refresh(), POLL_MS);
    }
    void refresh();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, attempt]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    api
      .listRuns({ limit: PAGE_SIZE, cursor })
      .then((page) => {
        pagedBeyondFirst.current = true;
        setRuns((current) => mergeRuns(current, page.runs));
        setCursor(page.nextCursor);
        setStale(false);
      })
      .catch(() => setStale(true))
      .finally(() => setLoadingMore(false));
  }, [api, cursor, loadingMore]);

  const retry = useCallback(() => {
    setLoading(true);
    setError(null);
    setAttempt((n) => n + 1);
  }, []);

  const add = useCallback((run: Run) => setRuns((current) => mergeRuns(current, [run])), []);

  return { runs, loading, error, stale, hasMore: cursor !== null, loadingMore, loadMore, retry, add };
}

import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError, isAbortError } from '../api/api-error';

export interface AgentDiff {
  text: string | null;
  loading: boolean;
  error: ApiError | null;
}

/**
 * An agent's unified diff against the run's starting point. Fetched again whenever `version` changes
 * (its head commit or status), so the diff follows the agent's commits.
 */
export function useAgentDiff(runId: string, agent: number, version: string): AgentDiff {
  const api = useApi();
  const [state, setState] = useState<AgentDiff & { key: string }>({
    text: null,
    loading: true,
    error: null,
    key: '',
  });
  const key = `${runId}/${agent}`;
  // A different agent: forget the old diff rather than show it under the new name.
  if (state.key !== key) setState({ text: null, loading: true, error: null, key });

  useEffect(() => {
    const controller = new AbortController();
    api
      .getDiff(runId, agent, controller.signal)
      .then((text) => setState({ text, loading: false, error: null, key: `${runId}/${agent}` }))
      .catch((error: unknown) => {
        if (isAbortError(error)) return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error));
        setState((s) => ({ ...s, loading: false, error: apiError }));
      });
    return () => controller.abort();
  }, [api, runId, agent, version]);

  return { text: state.text, loading: state.loading, error: state.error };
}

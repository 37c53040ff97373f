import { isFinalAgentStatus, type Agent, type MergeResult } from '@fanout/shared';
import { useState } from 'react';
import { useApi } from '../api/api-context';

type MergeState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'done'; result: MergeResult }
  | { kind: 'failed'; message: string };

function doneText(result: MergeResult): string {
  const short = result.commit.slice(0, 8);
  return result.changed ? `Merged into main · ${short}` : `Already in main · ${short}`;
}

/**
 * "Merge into main" for a finished agent: merges its branch into the run's `main`. A conflict changes
 * nothing and names the files; the message says so.
 */
export function MergeAgent({ runId, agent }: { runId: string; agent: Agent }) {
  const api = useApi();
  const [state, setState] = useState<MergeState>({ kind: 'idle' });
  if (!isFinalAgentStatus(agent.status)) return null;

  async function merge() {
    setState({ kind: 'sending' });
    try {
      setState({ kind: 'done', result: await api.mergeAgent(runId, { agent: agent.index }) });
    } catch (err) {
      setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }

  return (
    <div className="merge-agent">
      {state.kind === 'done' ? (
        <p className="merge-done" role="status">
          {doneText(state.result)}
        </p>
      ) : (
        <button
          type="button"
          className="button button-small"
          disabled={state.kind === 'sending'}
          onClick={() => void merge()}
        >
          {state.kind === 'sending' ? 'Merging…' : 'Merge into main'}
        </button>
      )}
      {state.kind === 'failed' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}

import { isFinalRunStatus, type Run } from '@fanout/shared';
import { ConnectionBanner } from '../live/connection-banner';
import { useRunStream } from '../live/use-run-stream';
import { ErrorNotice, Loading } from '../ui/feedback';
import { AgentCard } from './agent-card';
import { CancelRun } from './cancel-run';
import { ComparePicker } from './compare-picker';
import { GitCommandsBox } from './git-commands-box';
import { RunHeader } from './run-header';
import { useNow } from './use-now';

/** One run: a live card per agent, cancel, compare, and the git commands to look closer. */
export function RunPage({ runId, initialRun }: { runId: string; initialRun: Run | null }) {
  const { run, error, connection, markCancelRequested } = useRunStream(runId, { initialRun });
  const now = useNow(1000, run !== null && !isFinalRunStatus(run.status));

  if (!run) {
    if (error) {
      return (
        <ErrorNotice
          title={error.status === 404 ? 'No such run' : 'Could not load the run'}
          message={error.message}
        />
      );
    }
    return <Loading label="Loading run…" />;
  }

  return (
    <div className="run-page">
      <RunHeader run={run} backHref="/" backLabel="All runs" />
      <ConnectionBanner connection={connection} />
      <details className="prompt card">
        <summary>Prompt</summary>
        <pre>{run.prompt}</pre>
      </details>
      <div className="toolbar">
        <ComparePicker runId={run.id} agents={run.agents} />
        <CancelRun run={run} onRequested={markCancelRequested} />
      </div>
      <section aria-label="Agents" className="agent-grid">
        {run.agents.map((agent) => (
          <AgentCard key={agent.index} runId={run.id} agent={agent} now={now} />
        ))}
      </section>
      <GitCommandsBox run={run} />
    </div>
  );
}

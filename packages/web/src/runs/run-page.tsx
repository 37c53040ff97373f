import { isFinalRunStatus, scoreRun, type Run } from '@fanout/shared';
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

  // The scorecard's ranking (the same function the server's /scorecard uses), once every agent is done.
  const ranks =
    isFinalRunStatus(run.status) && run.agents.length > 1
      ? new Map(scoreRun(run).agents.map((e) => [e.index, e.rank]))
      : null;

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
          <AgentCard
            key={agent.index}
            runId={run.id}
            agent={agent}
            now={now}
            rank={ranks?.get(agent.index) ?? null}
          />
        ))}
      </section>
      <GitCommandsBox run={run} />
    </div>
  );
}

import type { Agent } from '@fanout/shared';
import { explainAgentError } from '../agents/agent-error';
import { Link } from '../router/link';
import { routeHref } from '../router/routes';
import { StatusBadge } from '../ui/status-badge';
import { AgentStats } from './agent-stats';
import { CheckSummary } from './check-result';
import { MergeAgent } from './merge-agent';

function nowLine(agent: Agent): string {
  switch (agent.status) {
    case 'queued':
      return 'Waiting for a free slot';
    case 'starting':
      return 'Starting Claude Code…';
    case 'running':
      return agent.activity ?? 'Thinking…';
    case 'succeeded':
      return agent.commit ? `Done · ${agent.commit.slice(0, 8)}` : 'Done';
    case 'failed':
    case 'cancelled':
      return agent.error
        ? explainAgentError(agent.error).summary
        : agent.status === 'cancelled'
          ? 'Cancelled'
          : 'Failed';
  }
}

/** One agent of a run: live status, figures, what it is doing now, and where to look closer. */
const RANK_HINT =
  'Rank in the scorecard: succeeded first, then a passed check, then the smallest change, then cost, time and turns';

export function AgentCard({
  runId,
  agent,
  now,
  rank = null,
}: {
  runId: string;
  agent: Agent;
  now: number;
  /** The agent's place in the run's scorecard, once the run has finished. */
  rank?: number | null;
}) {
  const name = agent.branch || `agent-${agent.index}`;
  return (
    <article className={`agent-card agent-${agent.status}`} aria-label={name} data-agent={agent.index}>
      <header>
        <h3>
          <Link href={routeHref({ name: 'agent', runId, agent: agent.index, tab: 'transcript' })}>
            {name}
          </Link>
          {rank !== null && (
            <span className={`rank${rank === 1 ? ' rank-best' : ''}`} title={RANK_HINT}>
              {rank === 1 ? 'Best' : `#${rank}`}
            </span>
          )}
        </h3>
        <StatusBadge status={agent.status} />
      </header>
      <p className={`agent-now${agent.status === 'failed' ? ' agent-now-error' : ''}`} title={nowLine(agent)}>
        {nowLine(agent)}
      </p>
      <AgentStats agent={agent} now={now} />
      <CheckSummary check={agent.check} command={null} />
      <footer>
        <Link href={routeHref({ name: 'agent', runId, agent: agent.index, tab: 'transcript' })}>
          Transcript
        </Link>
        <Link href={routeHref({ name: 'agent', runId, agent: agent.index, tab: 'diff' })}>Diff</Link>
        {agent.model && <span className="muted">{agent.model}</span>}
      </footer>
      <MergeAgent runId={runId} agent={agent} />
    </article>
  );
}

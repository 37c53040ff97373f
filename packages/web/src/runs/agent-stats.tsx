import type { Agent } from '@fanout/shared';
import { elapsedMs, formatCost, formatDuration } from './format';

/** Turns, cost, time and size of change of one agent, as a definition list. */
export function AgentStats({ agent, now }: { agent: Agent; now: number }) {
  const elapsed = elapsedMs(agent.startedAt, agent.finishedAt, now);
  return (
    <dl className="stats">
      <div>
        <dt>Turns</dt>
        <dd>{agent.numTurns}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd>{formatCost(agent.costUsd)}</dd>
      </div>
      <div>
        <dt>Time</dt>
        <dd>{elapsed === null ? '—' : formatDuration(elapsed)}</dd>
      </div>
      <div>
        <dt>Changes</dt>
        <dd>
          {agent.diffStat ? (
            <>
              <span className="plus">+{agent.diffStat.insertions}</span>{' '}
              <span className="minus">−{agent.diffStat.deletions}</span>{' '}
              <span className="muted">
                {agent.diffStat.files} file{agent.diffStat.files === 1 ? '' : 's'}
              </span>
            </>
          ) : (
            '—'
          )}
        </dd>
      </div>
    </dl>
  );
}

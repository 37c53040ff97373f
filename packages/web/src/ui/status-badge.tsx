import type { AgentStatus, RunStatus } from '@fanout/shared';

/** A run's or an agent's status as a coloured label; the text itself is the status. */
export function StatusBadge({ status }: { status: RunStatus | AgentStatus }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {status}
    </span>
  );
}

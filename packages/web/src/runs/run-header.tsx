import type { Run } from '@fanout/shared';
import { Link } from '../router/link';
import { StatusBadge } from '../ui/status-badge';
import { formatAge, formatCost, formatTimestamp, promptTitle } from './format';
import { useNow } from './use-now';

/** The run's title line, status and figures, shown above each of its screens. */
export function RunHeader({ run, backHref, backLabel }: { run: Run; backHref: string; backLabel: string }) {
  const now = useNow(5000);
  const done = run.agents.filter((a) => a.status === 'succeeded').length;
  return (
    <header className="page-header">
      <Link className="back" href={backHref}>
        ← {backLabel}
      </Link>
      <div className="title-row">
        <h1 title={run.prompt}>{promptTitle(run.prompt, 90) || 'Run'}</h1>
        <StatusBadge status={run.status} />
      </div>
      <p className="meta">
        <span>
          {done}/{run.agents.length} succeeded
        </span>
        <time dateTime={run.createdAt} title={formatTimestamp(run.createdAt)}>
          started {formatAge(run.createdAt, now)}
        </time>
        <span>total {formatCost(run.costUsd)}</span>
        {run.model && <span>{run.model}</span>}
        <span className="mono" title="base commit: what the diffs are taken against">
          {run.baseCommit.slice(0, 8)}
        </span>
        <span className="mono muted">{run.id}</span>
      </p>
    </header>
  );
}

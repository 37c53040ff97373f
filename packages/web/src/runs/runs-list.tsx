import type { Run } from '@fanout/shared';
import { Link } from '../router/link';
import { routeHref } from '../router/routes';
import { EmptyState, ErrorNotice, Loading } from '../ui/feedback';
import { StatusBadge } from '../ui/status-badge';
import { formatAge, formatCost, formatTimestamp, promptTitle } from './format';
import { useNow } from './use-now';
import type { RunsList as RunsListState } from './use-runs-list';

function RunRow({ run, now }: { run: Run; now: number }) {
  const title = promptTitle(run.prompt) || '(empty prompt)';
  return (
    <li>
      <Link className="run-row" href={routeHref({ name: 'run', runId: run.id })} data-run-id={run.id}>
        <StatusBadge status={run.status} />
        <span className="run-row-title">{title}</span>
        <span className="run-row-meta">
          <span title="agents">
            {run.agents.length} agent{run.agents.length === 1 ? '' : 's'}
          </span>
          <time dateTime={run.createdAt} title={formatTimestamp(run.createdAt)}>
            {formatAge(run.createdAt, now)}
          </time>
          <span title="total cost">{formatCost(run.costUsd)}</span>
        </span>
      </Link>
    </li>
  );
}

/** All runs, newest first, with their status, size, age and cost. */
export function RunsList({ list }: { list: RunsListState }) {
  const now = useNow(5000);
  if (list.loading && list.runs.length === 0) return <Loading label="Loading runs…" />;
  if (list.error && list.runs.length === 0) {
    return <ErrorNotice title="Could not load the runs" message={list.error.message} onRetry={list.retry} />;
  }
  if (list.runs.length === 0) {
    return (
      <EmptyState title="No runs yet">
        Write a prompt and choose how many agents should try it; each one works on its own branch.
      </EmptyState>
    );
  }
  return (
    <>
      {list.stale && (
        <div className="banner banner-warning" role="status">
          Cannot reach the server; the list may be out of date. Retrying…
        </div>
      )}
      <ul className="run-list" aria-label="Runs">
        {list.runs.map((run) => (
          <RunRow key={run.id} run={run} now={now} />
        ))}
      </ul>
      {list.hasMore && (
        <button type="button" className="button" onClick={list.loadMore} disabled={list.loadingMore}>
          {list.loadingMore ? 'Loading…' : 'Show older runs'}
        </button>
      )}
    </>
  );
}

import type { Run } from '@fanout/shared';

/**
 * `current` with `fresh` runs laid over it: fresher copies replace older ones, new runs join, and the
 * list stays newest first (run ids sort by creation time).
 */
export function mergeRuns(current: readonly Run[], fresh: readonly Run[]): Run[] {
  const byId = new Map<string, Run>();
  for (const run of current) byId.set(run.id, run);
  for (const run of fresh) byId.set(run.id, run);
  return [...byId.values()].sort((x, y) => (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
}

import { FanoutError, isFinalRunStatus, type Run } from '@fanout/shared';
import type { Executor } from '../executors/executor.js';
import { writeJsonOnce } from '@fanout/worker';
import type { RunStore } from './run-store.js';

/**
 * Asks every unfinished agent of a run to stop. The request is a write-once file in the run
 * directory, so it holds whichever replica took it and workers see it even if no signal reaches
 * them; the executor then stops the workers, which commit their work and record `cancelled`.
 */
export async function cancelRun(
  id: string,
  deps: { store: RunStore; executor: Executor; now: () => Date },
): Promise<Run> {
  const before = await deps.store.get(id);
  if (isFinalRunStatus(before.status)) {
    throw new FanoutError('conflict', `run ${id} has already finished (${before.status})`);
  }
  const file = await deps.store.runFile(id);
  await writeJsonOnce(deps.store.paths(id).cancel, { requestedAt: deps.now().toISOString() });
  await deps.executor.cancel(file);
  return deps.store.get(id);
}

import {
  ZERO_USAGE,
  agentBranch,
  runPathsAt,
  resultFileSchema,
  stateFileSchema,
  type AgentError,
  type ResultFile,
  type RunFile,
} from '@fanout/shared';
import { killWorktreeProcesses, saveUncommittedWork } from '@fanout/worker';
import { diffStatBetween } from '../git/diff.js';
import { git } from '../git/git.js';
import type { Logger } from '../logger.js';
import { readJsonFile } from '../storage/read-json-file.js';
import { writeJsonOnce } from '@fanout/worker';

/**
 * Records the outcome of an agent whose worker is gone without one (killed, crashed, its pod or the
 * orchestrator died with it), or that never started. Anything the agent left uncommitted is
 * committed first, so no work is lost. Write-once: if the worker (or another replica) recorded an
 * outcome first, that one stands. Call only when no worker runs for this agent any more.
 */
export async function finishLostAgent(
  run: RunFile,
  index: number,
  outcome: { status: 'failed' | 'cancelled'; error: AgentError; commitReason: string | null },
  deps: { logger: Logger; now: () => Date },
): Promise<boolean> {
  const paths = runPathsAt(run.runDir);
  const agent = paths.agent(index);
  if (await readJsonFile(agent.result, resultFileSchema)) return false;
  const worktree = paths.worktree(index);
  const state = await readJsonFile(agent.state, stateFileSchema).catch(() => null);
  // Lost during the run's check: the work was committed before it, and what is left is the check's.
  const checking = state?.checking === true;
  // Lost during the run's setup: the agent never started; what is uncommitted is the setup's.
  const settingUp = state?.settingUp === true;
  if (outcome.commitReason) await killWorktreeProcesses(worktree);
  if (outcome.commitReason && !checking && !settingUp) {
    await saveUncommittedWork(worktree, outcome.commitReason).catch((err: unknown) =>
      deps.logger.error(
        { err, run: run.id, agent: index },
        'could not save the uncommitted work of a lost agent',
      ),
    );
  }
  const branch = agentBranch(index);
  const commit = (await git(paths.repo, ['rev-parse', branch]).catch(() => '')).trim() || null;
  const diffStat = commit
    ? await diffStatBetween(paths.repo, run.baseCommit, branch).catch(() => null)
    : null;
  const result: ResultFile = {
    status: outcome.status,
    startedAt: state?.startedAt ?? null,
    finishedAt: deps.now().toISOString(),
    commit,
    diffStat,
    usage: state?.usage ?? ZERO_USAGE,
    costUsd: state?.costUsd ?? null,
    numTurns: state?.numTurns ?? 0,
    error: outcome.error,
    writtenBy: 'orchestrator',
  };
  const wrote = await writeJsonOnce(agent.result, result);
  deps.logger.info(
    { run: run.id, agent: index, status: outcome.status, code: outcome.error.code, wrote },
    'agent finished by the orchestrator',
  );
  return wrote;
}

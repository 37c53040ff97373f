import {
  FanoutError,
  agentBranch,
  baseBranchName,
  invalidField,
  isFinalAgentStatus,
  type MergeRequest,
  type MergeResult,
} from '@fanout/shared';
import { FANOUT_GIT_ENV, runGit } from '@fanout/worker';
import { git } from '../git/git.js';
import type { RunStore } from './run-store.js';

const IDENTITY_ENV = { ...FANOUT_GIT_ENV, GIT_TERMINAL_PROMPT: '0' };

/** One merge at a time per run in this process; git's own index lock guards against other replicas. */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .map((line) => line.replace(/^(fatal|error): /, '').trim())
      .filter(Boolean)
      .at(-1) ?? 'git failed'
  );
}

/**
 * Merges a finished agent's branch into the run's `main`, or adds it to the base repository as a new
 * branch. A conflict leaves `main` as it was and answers 409 with the conflicting files.
 */
export async function mergeAgent(
  id: string,
  request: MergeRequest,
  deps: { store: RunStore },
): Promise<MergeResult> {
  const run = await deps.store.get(id);
  const agent = run.agents[request.agent];
  if (!agent) {
    throw new FanoutError(
      'agent_not_found',
      `agent: run ${id} has no agent ${request.agent} (its agents are 0 to ${run.agents.length - 1})`,
      { field: 'agent' },
    );
  }
  if (!isFinalAgentStatus(agent.status)) {
    throw new FanoutError(
      'conflict',
      `${agent.branch} is still ${agent.status}; merge it once it has finished`,
    );
  }
  const file = await deps.store.runFile(id);
  const repo = deps.store.paths(id).repo;
  if ((request.into ?? 'main') === 'base') {
    if (!file.baseRepo) {
      throw invalidField('into', 'the run did not start from a base repository; merge into "main"');
    }
    return serialized(`${id}:base`, () => pushToBase(repo, file.baseRepo!, id, request.agent));
  }
  return serialized(`${id}:main`, () => mergeIntoMain(repo, id, request.agent));
}

async function mergeIntoMain(repo: string, runId: string, index: number): Promise<MergeResult> {
  const branch = agentBranch(index);
  const before = (await git(repo, ['rev-parse', 'refs/heads/main'])).trim();
  const merge = await runGit(
    repo,
    [
      '-c',
      'commit.gpgsign=false',
      'merge',
      '--no-ff',
      '--no-edit',
      '-m',
      `fanout: merge ${branch} of run ${runId}`,
      `refs/heads/${branch}`,
    ],
    { env: IDENTITY_ENV },
  );
  if (merge.exitCode !== 0) {
    const inMerge = (await runGit(repo, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'])).exitCode === 0;
    const conflicted = inMerge
      ? (await git(repo, ['diff', '--name-only', '--diff-filter=U', '-z'])).split('\0').filter(Boolean)
      : [];
    if (inMerge) await git(repo, ['merge', '--abort']);
    if (conflicted.length > 0) {
      const shown = conflicted.slice(0, 20).join(', ');
      const more = conflicted.length > 20 ? ` and ${conflicted.length - 20} more` : '';
      throw new FanoutError(
        'conflict',
        `${branch} conflicts with main in ${conflicted.length === 1 ? '1 file' : `${conflicted.length} files`}: ${shown}${more}; main is unchanged`,
        { files: conflicted },
      );
    }
    throw new FanoutError(
      'conflict',
      `cannot merge ${branch} into main: ${lastLine(merge.stderr || merge.stdout)}`,
    );
  }
  const after = (await git(repo, ['rev-parse', 'refs/heads/main'])).trim();
  return { agent: index, into: 'main', branch: 'main', commit: after, changed: after !== before };
}

async function pushToBase(
  repo: string,
  baseRepo: string,
  runId: string,
  index: number,
): Promise<MergeResult> {
  const target = baseBranchName(runId, index);
  const commit = (await git(repo, ['rev-parse', `refs/heads/${agentBranch(index)}`])).trim();
  const result = (changed: boolean): MergeResult => ({
    agent: index,
    into: 'base',
    branch: target,
    commit,
    changed,
    repo: baseRepo,
  });
  const existing = await runGit(baseRepo, ['rev-parse', '--verify', '--quiet', `refs/heads/${target}`]);
  if (existing.exitCode === 0) {
    if (existing.stdout.trim() === commit) return result(false);
    throw new FanoutError(
      'conflict',
      `branch ${target} already exists in ${baseRepo} at another commit; delete it there first`,
    );
  }
  const push = await runGit(
    repo,
    ['push', '--quiet', '--', baseRepo, `refs/heads/${agentBranch(index)}:refs/heads/${target}`],
    { env: { GIT_TERMINAL_PROMPT: '0' } },
  );
  if (push.exitCode !== 0) {
    throw new FanoutError(
      'conflict',
      `cannot add branch ${target} to ${baseRepo}: ${lastLine(push.stderr || push.stdout)}`,
    );
  }
  return result(true);
}

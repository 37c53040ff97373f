import { mkdir, rm, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { agentBranch, invalidField, newRunId, runPaths, type RunFile, type RunRequest } from '@fanout/shared';
import { addWorktrees, createRunRepo } from '../git/create-run-repo.js';
import { git } from '../git/git.js';
import { checkCopyFiles, copyIntoWorktrees } from './copy-files.js';
import { writeJsonAtomic } from '@fanout/worker';

export interface CreateRunDeps {
  storage: string;
  defaultModel: string | null;
  defaultTimeoutSeconds: number;
  now: () => Date;
}

/** Checks a base repository before anything is written: it must be a git repository with that ref. */
async function checkBase(baseRepo: string, baseRef: string | null): Promise<void> {
  if (!isAbsolute(baseRepo)) throw invalidField('baseRepo', 'must be an absolute path on the server');
  const info = await stat(baseRepo).catch(() => null);
  if (!info?.isDirectory()) throw invalidField('baseRepo', 'is not a directory on the server');
  const isRepo = await git(baseRepo, ['rev-parse', '--git-dir']).then(
    () => true,
    () => false,
  );
  if (!isRepo) throw invalidField('baseRepo', 'is not a git repository');
  const ref = `${baseRef ?? 'HEAD'}^{commit}`;
  await git(baseRepo, ['rev-parse', '--verify', '--quiet', '--end-of-options', ref]).catch(() => {
    throw baseRef
      ? invalidField('baseRef', `is not a commit or branch of ${baseRepo}`)
      : invalidField('baseRepo', 'has no commits');
  });
}

/**
 * Creates a run on disk: its folder, repository, one worktree and branch per agent, and `run.json`
 * last, so a folder without `run.json` is a run that was never completed (and is never listed).
 */
export async function createRun(request: RunRequest, deps: CreateRunDeps): Promise<RunFile> {
  const baseRepo = request.baseRepo ?? null;
  const baseRef = request.baseRef ?? null;
  if (baseRepo) await checkBase(baseRepo, baseRef);
  const copyFiles = request.copyFiles ?? [];
  if (baseRepo && copyFiles.length > 0) await checkCopyFiles(baseRepo, baseRef, copyFiles);

  const createdAt = deps.now();
  const id = newRunId(createdAt.getTime());
  const paths = runPaths(deps.storage, id);
  await mkdir(deps.storage, { recursive: true });
  await mkdir(paths.root);
  try {
    const baseCommit = await createRunRepo({ repo: paths.repo, runId: id, baseRepo, baseRef });
    const agents = Array.from({ length: request.agents }, (_, i) => i);
    const worktrees = agents.map((i) => paths.worktree(i));
    await addWorktrees(
      paths.repo,
      agents.map((i) => ({ path: worktrees[i]!, branch: agentBranch(i) })),
      baseCommit,
    );
    for (const i of agents) await mkdir(paths.agent(i).dir, { recursive: true });
    if (baseRepo && copyFiles.length > 0) await copyIntoWorktrees(baseRepo, copyFiles, paths.repo, worktrees);
    const file: RunFile = {
      version: 1,
      id,
      createdAt: createdAt.toISOString(),
      prompt: request.prompt,
      agents: request.agents,
      model: request.model ?? deps.defaultModel,
      models: request.models ?? Array.from({ length: request.agents }, () => null),
      baseRepo,
      baseRef,
      baseCommit,
      maxTurns: request.maxTurns ?? null,
      timeoutSeconds: request.timeoutSeconds ?? deps.defaultTimeoutSeconds,
      check: request.check ?? null,
      budgetUsd: request.budgetUsd ?? null,
      setup: request.setup ?? null,
      copyFiles,
      runDir: paths.root,
    };
    await writeJsonAtomic(paths.runJson, file);
    return file;
  } catch (error) {
    await rm(paths.root, { recursive: true, force: true });
    throw error;
  }
}

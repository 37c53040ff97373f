import { readFile, realpath, stat } from 'node:fs/promises';
import { runFileSchema, type RunFile } from '@fanout/shared';
import type { WorkerConfig } from './config.js';
import { currentBranch } from './git-commit.js';
import { errorMessage } from './logger.js';
import { runGit } from './run-git.js';

/** Something the worker needs before the agent can start is missing or wrong (outcome `setup_failed`). */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** Reads and checks run.json: it must be valid and name this run and this agent. */
export async function loadRunFile(path: string, config: WorkerConfig): Promise<RunFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SetupError(`cannot read run.json: ${errorMessage(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SetupError(`run.json is not valid JSON: ${errorMessage(error)}`);
  }
  const parsed = runFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SetupError(`run.json is not valid: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const run = parsed.data;
  if (run.id !== config.runId) throw new SetupError(`run.json is for run ${run.id}, not ${config.runId}`);
  if (config.agentIndex >= run.agents) {
    throw new SetupError(`run ${run.id} has ${run.agents} agents; there is no agent ${config.agentIndex}`);
  }
  return run;
}

/**
 * The worktree must exist, be the top of a git worktree (so the agent's commits cannot land in some other
 * repository above it) and have the agent's branch checked out.
 */
export async function checkWorktree(config: WorkerConfig): Promise<void> {
  const info = await stat(config.worktree).catch(() => null);
  if (!info?.isDirectory()) throw new SetupError(`the worktree ${config.worktree} does not exist`);
  const expected = await realpath(config.worktree);
  if (await isTopOnBranch(config.worktree, expected, config.branch)) return;
  // Something is off: ask one question at a time, to say what.
  const top = await runGit(config.worktree, ['rev-parse', '--show-toplevel']);
  const actual = top.exitCode === 0 ? await realpath(top.stdout.trim()).catch(() => null) : null;
  if (actual !== expected) throw new SetupError(`${config.worktree} is not a git worktree`);
  const branch = await currentBranch(config.worktree);
  if (branch !== config.branch) {
    throw new SetupError(`the worktree has ${branch ?? 'a detached HEAD'} checked out, not ${config.branch}`);
  }
}

/** Whether `worktree` (whose real path is `expected`) is the top of a git worktree on `branch`: one git call. */
async function isTopOnBranch(worktree: string, expected: string, branch: string): Promise<boolean> {
  const result = await runGit(worktree, ['rev-parse', '--show-toplevel', '--symbolic-full-name', 'HEAD']);
  const [top, ref, ...rest] = result.stdout.replace(/\n$/, '').split('\n');
  if (result.exitCode !== 0 || top === undefined || ref !== `refs/heads/${branch}` || rest.length > 0) {
    return false;
  }
  return (await realpath(top).catch(() => null)) === expected;
}

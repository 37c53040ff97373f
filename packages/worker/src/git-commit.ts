import { rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { DiffStat } from '@fanout/shared';
import type { Logger } from './logger.js';
import type { SaveReason } from './outcome.js';
import { runGit, type GitResult } from './run-git.js';

/** Why a safety-net commit was made, as its message says it: "fanout: save uncommitted work <why>". */
export const SAVE_REASONS: Record<SaveReason, string> = {
  finished: 'after the agent finished',
  cancelled: 'after cancel',
  crashed: 'after the agent crashed',
  timeout: 'after the timeout',
};

export const FANOUT_IDENTITY = { name: 'fanout', email: 'fanout@fanout.local' } as const;

/** The environment that makes git author and commit as fanout. */
export const FANOUT_GIT_ENV = {
  GIT_AUTHOR_NAME: FANOUT_IDENTITY.name,
  GIT_AUTHOR_EMAIL: FANOUT_IDENTITY.email,
  GIT_COMMITTER_NAME: FANOUT_IDENTITY.name,
  GIT_COMMITTER_EMAIL: FANOUT_IDENTITY.email,
} as const;

/** git in one worktree; never prompts, never reads a pager. */
function git(worktree: string, args: string[], env: Record<string, string> = {}): Promise<GitResult> {
  return runGit(worktree, args, { env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', ...env } });
}

async function gitOk(worktree: string, args: string[], env?: Record<string, string>): Promise<string> {
  const result = await git(worktree, args, env);
  if (result.exitCode !== 0) {
    throw new Error(`git ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

/**
 * A git that was killed mid-command leaves index.lock behind, and every later commit fails on it. Called only
 * once nothing runs in the worktree any more, so a lock still there is stale.
 */
async function removeStaleIndexLock(worktree: string, log: Logger | undefined): Promise<void> {
  const gitDir = await gitOk(worktree, ['rev-parse', '--git-dir']);
  const lock = join(isAbsolute(gitDir) ? gitDir : join(worktree, gitDir), 'index.lock');
  const removed = await rm(lock).then(
    () => true,
    () => false,
  );
  if (removed) log?.warn('removed a stale index.lock', { lock });
}

/**
 * fanout's safety-net commit: stages everything (`git add -A`) and, when anything is staged, commits it as
 * `fanout <fanout@fanout.local>` with a message that says why. Hooks are skipped and signing is off, so
 * nothing stands between the agent's work and its branch. `why` completes the message, e.g. "after cancel"
 * (see SAVE_REASONS). Call it only once nothing runs in the worktree any more (see killWorktreeProcesses).
 * Returns the new commit, or null when there was nothing to save.
 */
export async function saveUncommittedWork(
  worktree: string,
  why: string,
  log?: Logger,
): Promise<string | null> {
  await removeStaleIndexLock(worktree, log);
  await gitOk(worktree, ['add', '-A']);
  const staged = await git(worktree, ['diff', '--cached', '--quiet']);
  if (staged.exitCode === 0) return null;
  if (staged.exitCode !== 1) throw new Error(`git diff --cached failed: ${staged.stderr.trim()}`);
  const identity = FANOUT_GIT_ENV;
  await gitOk(
    worktree,
    [
      '-c',
      'commit.gpgsign=false',
      'commit',
      '--no-verify',
      '--quiet',
      '-m',
      `fanout: save uncommitted work ${why}`,
    ],
    identity,
  );
  return gitOk(worktree, ['rev-parse', 'HEAD']);
}

/** The worktree's HEAD commit, or null when there is none (or it is not a git worktree). */
export async function headCommit(worktree: string): Promise<string | null> {
  const result = await git(worktree, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** The branch HEAD is on, or null when it is detached. */
export async function currentBranch(worktree: string): Promise<string | null> {
  const result = await git(worktree, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** Parses `git diff --shortstat` ("3 files changed, 10 insertions(+), 2 deletions(-)"). */
export function parseShortStat(text: string): DiffStat {
  const count = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    files: count(/(\d+) files? changed/),
    insertions: count(/(\d+) insertions?\(\+\)/),
    deletions: count(/(\d+) deletions?\(-\)/),
  };
}

/** What changed between the run's starting point and `commit`. */
export async function diffStat(worktree: string, baseCommit: string, commit: string): Promise<DiffStat> {
  return parseShortStat(await gitOk(worktree, ['diff', '--shortstat', baseCommit, commit, '--']));
}

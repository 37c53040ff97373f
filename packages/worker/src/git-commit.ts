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
 * once nothing runs in the worktree any more, so a lock still there is stale. `gitDir`, when the caller
 * already knows it (see readHead), spares a git call.
 */
async function removeStaleIndexLock(
  worktree: string,
  gitDir: string | undefined,
  log: Logger | undefined,
): Promise<void> {
  const dir = gitDir ?? (await gitOk(worktree, ['rev-parse', '--git-dir']));
  const lock = join(isAbsolute(dir) ? dir : join(worktree, dir), 'index.lock');
  const removed = await rm(lock).then(
    () => true,
    () => false,
  );
  if (removed) log?.warn('removed a stale index.lock', { lock });
}

/**
 * True when `git add -A` would stage nothing: status lists no change and no untracked file, honouring
 * .gitignore and info/exclude as add does. One git call instead of add and diff. Changes inside a
 * submodule's own worktree are left out (`--ignore-submodules=dirty`): add cannot stage them, and finding
 * them costs a git per submodule; a submodule moved to another commit still shows, whatever the
 * repository's submodule settings say. False when status fails, so that add runs and says what is wrong.
 */
async function nothingToStage(worktree: string): Promise<boolean> {
  const status = await git(worktree, [
    'status',
    '--porcelain',
    '--untracked-files=all',
    '--ignore-submodules=dirty',
  ]);
  return status.exitCode === 0 && status.stdout === '';
}

/**
 * fanout's safety-net commit: stages everything (`git add -A`) and, when anything is staged, commits it as
 * `fanout <fanout@fanout.local>` with a message that says why. Hooks are skipped and signing is off, so
 * nothing stands between the agent's work and its branch. `why` completes the message, e.g. "after cancel"
 * (see SAVE_REASONS). Call it only once nothing runs in the worktree any more (see killWorktreeProcesses).
 * Returns the new commit, or null when there was nothing to save. A clean worktree costs one git status
 * (and a git rev-parse for the git dir, unless `gitDir` is given), not an add and a diff.
 */
export async function saveUncommittedWork(
  worktree: string,
  why: string,
  log?: Logger,
  gitDir?: string,
): Promise<string | null> {
  await removeStaleIndexLock(worktree, gitDir, log);
  if (await nothingToStage(worktree)) return null;
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

/** What one git call tells about a worktree's HEAD. */
export interface HeadState {
  /** The worktree's git dir, absolute (for a linked worktree, under the repository's .git/worktrees). */
  gitDir: string;
  commit: string;
  /** The branch HEAD is on, or null when it is detached. */
  branch: string | null;
}

/**
 * The git dir, HEAD commit and branch in one git call; null when git cannot give all three plainly (no
 * commit yet, not a worktree, HEAD a symbolic ref outside refs/heads), and the caller asks for each alone.
 */
export async function readHead(worktree: string): Promise<HeadState | null> {
  const result = await git(worktree, [
    'rev-parse',
    '--absolute-git-dir',
    'HEAD',
    '--symbolic-full-name',
    'HEAD',
  ]);
  return result.exitCode === 0 ? parseHead(result.stdout) : null;
}

/** Parses `git rev-parse --absolute-git-dir HEAD --symbolic-full-name HEAD`: three lines, or null. */
export function parseHead(stdout: string): HeadState | null {
  const lines = stdout.replace(/\n$/, '').split('\n');
  if (lines.length !== 3) return null;
  const [gitDir = '', commit = '', ref = ''] = lines;
  if (!isAbsolute(gitDir) || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return null;
  if (ref === 'HEAD') return { gitDir, commit, branch: null };
  const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
  return branch === undefined ? null : { gitDir, commit, branch };
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

import { cp, lstat, mkdir, opendir, realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { invalidField } from '@fanout/shared';
import { excludeFromCommits } from '@fanout/worker';
import { git } from '../git/git.js';

/**
 * A run's `copyFiles`: files and directories (e.g. `.env`) that are in the base repository's working tree
 * but not in git, copied into every worktree when the run is created and kept out of every commit.
 */

/** The first symbolic link or special file inside `dir`, relative to it; null when there is none. */
async function firstNonPlainEntry(dir: string, prefix = ''): Promise<string | null> {
  for await (const entry of await opendir(dir)) {
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory()) {
      const found = await firstNonPlainEntry(join(dir, entry.name), `${rel}/`);
      if (found !== null) return found;
    } else if (!entry.isFile()) {
      return rel;
    }
  }
  return null;
}

/**
 * Checks `copyFiles` before anything is written: each path must be a regular file or a directory (copied
 * whole) of the base repository's working tree, with no symbolic link on the way or inside, and nothing of
 * it tracked by git at `baseRef` (a tracked file is in every worktree already; a copy would be a change).
 * Throws a 400 naming `copyFiles.<i>` and the reason.
 */
export async function checkCopyFiles(
  baseRepo: string,
  baseRef: string | null,
  copyFiles: readonly string[],
): Promise<void> {
  const root = await realpath(baseRepo);
  const commit = `${baseRef ?? 'HEAD'}^{commit}`;
  for (const [i, path] of copyFiles.entries()) {
    const field = `copyFiles.${i}`;
    const source = join(baseRepo, path);
    const info = await lstat(source).catch(() => null);
    if (!info) throw invalidField(field, `${path} does not exist in the base repository`);
    if (info.isSymbolicLink()) throw invalidField(field, `${path} is a symbolic link; it is not copied`);
    const real = await realpath(source).catch(() => null);
    if (real === null || !real.startsWith(root + sep)) {
      throw invalidField(
        field,
        `${path} is not inside the base repository (a symbolic link leads out of it)`,
      );
    }
    if (info.isDirectory()) {
      const odd = await firstNonPlainEntry(source);
      if (odd !== null) {
        throw invalidField(field, `${path} holds ${odd}, which is a symbolic link or not a regular file`);
      }
    } else if (!info.isFile()) {
      throw invalidField(field, `${path} is not a regular file or directory`);
    }
    const tracked = await git(baseRepo, ['ls-tree', '-r', '-z', '--name-only', commit, '--', path], {
      GIT_LITERAL_PATHSPECS: '1',
    });
    const first = tracked.split('\0').find((name) => name !== '');
    if (first !== undefined) {
      const what = info.isDirectory() ? `${path} holds ${first}, which is` : `${path} is`;
      throw invalidField(
        field,
        `${what} tracked by git in ${baseRef ?? 'HEAD'}; every worktree has it already`,
      );
    }
  }
}

/**
 * Copies each of `copyFiles` from the base repository into every worktree at the same path, and adds them
 * to the run repository's `info/exclude`, so neither the agents nor fanout ever commit them.
 */
export async function copyIntoWorktrees(
  baseRepo: string,
  copyFiles: readonly string[],
  repo: string,
  worktrees: readonly string[],
): Promise<void> {
  await excludeFromCommits(repo, copyFiles, 'copyFiles of the run (copied from the base repository)');
  for (const worktree of worktrees) {
    for (const path of copyFiles) {
      const target = join(worktree, path);
      await mkdir(dirname(target), { recursive: true });
      await cp(join(baseRepo, path), target, {
        recursive: true,
        errorOnExist: true,
        force: false,
        preserveTimestamps: true,
      });
    }
  }
}

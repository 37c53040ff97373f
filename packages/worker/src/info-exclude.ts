import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from './run-git.js';

/**
 * The run repository's `info/exclude` (in `git rev-parse --git-common-dir`, so shared by every worktree of
 * the run): patterns of files that are never committed, by the agent (`git add -A`) or by fanout's
 * safety-net commit, without changing any file of the repository itself (as a .gitignore would).
 */

/**
 * The pattern that matches exactly `path` (relative to the top of the worktree, `/`-separated; a trailing
 * `/` matches only a directory): anchored with a leading `/`, with the characters gitignore gives a meaning
 * (`\`, `*`, `?`, `[` and trailing spaces) escaped. A path with a line break has no pattern: null.
 */
export function anchoredPattern(path: string): string | null {
  if (/[\r\n]/.test(path)) return null;
  const escaped = path
    .replace(/[\\*?[]/g, (c) => `\\${c}`)
    .replace(/ +(\/?)$/, (spaces, slash: string) => {
      return spaces.slice(0, spaces.length - slash.length).replace(/ /g, '\\ ') + slash;
    });
  return `/${escaped.replace(/^\/+/, '')}`;
}

/** The run repository's `info/exclude`, found from the repository or any of its worktrees. */
export async function infoExcludePath(cwd: string): Promise<string> {
  const result = await runGit(cwd, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  if (result.exitCode !== 0) {
    throw new Error(`git rev-parse --git-common-dir failed: ${result.stderr.trim()}`);
  }
  return join(result.stdout.trim(), 'info', 'exclude');
}

/**
 * Adds an anchored pattern for each of `paths` to the run repository's `info/exclude`, under a comment
 * saying why, in one append (several workers may add at once). Patterns already there are not repeated.
 * Returns the paths that could not be excluded (a line break in the name).
 */
export async function excludeFromCommits(
  cwd: string,
  paths: readonly string[],
  why: string,
): Promise<string[]> {
  const file = await infoExcludePath(cwd);
  const existing = new Set((await readFile(file, 'utf8').catch(() => '')).split('\n'));
  const unexcludable: string[] = [];
  const lines: string[] = [];
  for (const path of paths) {
    const pattern = anchoredPattern(path);
    if (pattern === null) unexcludable.push(path);
    else if (!existing.has(pattern) && !lines.includes(pattern)) lines.push(pattern);
  }
  if (lines.length > 0) {
    await mkdir(join(file, '..'), { recursive: true });
    await appendFile(file, `\n# fanout: ${why}\n${lines.join('\n')}\n`);
  }
  return unexcludable;
}

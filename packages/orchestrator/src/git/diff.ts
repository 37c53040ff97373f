import type { DiffStat } from '@fanout/shared';
import { git } from './git.js';

/** Unified diff between two commits or branches of the run repository. */
export function diffBetween(repo: string, from: string, to: string): Promise<string> {
  return git(repo, ['diff', '--no-color', '--no-ext-diff', '--find-renames', `${from}..${to}`, '--']);
}

/** Parses `git diff --numstat` output: binary files count as changed files with no lines. */
export function parseNumstat(text: string): DiffStat {
  const stat: DiffStat = { files: 0, insertions: 0, deletions: 0 };
  for (const line of text.split('\n')) {
    const match = /^(\d+|-)\t(\d+|-)\t/.exec(line);
    if (!match) continue;
    stat.files += 1;
    if (match[1] !== '-') stat.insertions += Number(match[1]);
    if (match[2] !== '-') stat.deletions += Number(match[2]);
  }
  return stat;
}

export async function diffStatBetween(repo: string, from: string, to: string): Promise<DiffStat> {
  return parseNumstat(await git(repo, ['diff', '--numstat', '--find-renames', `${from}..${to}`, '--']));
}

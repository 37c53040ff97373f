import { execFileSync } from 'node:child_process';

/** Runs git by hand in a run's repo, as a person inspecting it would. */
export function gitIn(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

export function changedFiles(repo: string, range: string): string[] {
  return gitIn(repo, 'diff', '--name-only', range).split('\n').filter(Boolean).sort();
}

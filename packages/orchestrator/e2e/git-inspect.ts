import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs git by hand in a run's repo, as a person inspecting it would. */
export function gitIn(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

export function changedFiles(repo: string, range: string): string[] {
  return gitIn(repo, 'diff', '--name-only', range).split('\n').filter(Boolean).sort();
}

/** A new git repository in a temp folder whose first commit, on `branch`, holds `files`. */
export function makeBaseRepo(files: Record<string, string>, branch = 'main'): string {
  const base = mkdtempSync(join(tmpdir(), 'fanout-base-'));
  execFileSync('git', ['init', '-q', '-b', branch, base]);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(base, name), content);
  execFileSync('git', ['add', '-A'], { cwd: base });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'base'], {
    cwd: base,
  });
  return base;
}

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchoredPattern, excludeFromCommits, infoExcludePath } from './info-exclude.js';
import { runGit } from './run-git.js';

describe('anchoredPattern', () => {
  it('anchors a path at the top and escapes what gitignore gives a meaning', () => {
    expect(anchoredPattern('.env')).toBe('/.env');
    expect(anchoredPattern('build/')).toBe('/build/');
    expect(anchoredPattern('a/b c.txt')).toBe('/a/b c.txt');
    expect(anchoredPattern('!x#[1]*?\\')).toBe('/!x#\\[1]\\*\\?\\\\');
    expect(anchoredPattern('trailing  ')).toBe('/trailing\\ \\ ');
    expect(anchoredPattern('dir /')).toBe('/dir\\ /');
    expect(anchoredPattern('a\nb')).toBeNull();
  });
});

describe('excludeFromCommits', () => {
  let dir: string;
  const git = async (cwd: string, ...args: string[]) => {
    const result = await runGit(cwd, args, {
      env: {
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    });
    if (result.exitCode !== 0) throw new Error(result.stderr);
    return result.stdout;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-exclude-'));
    await git(dir, 'init', '-q', '-b', 'main', 'repo');
    await git(join(dir, 'repo'), 'commit', '-q', '--allow-empty', '-m', 'start');
    await git(join(dir, 'repo'), 'worktree', 'add', '-q', '-b', 'agent-0', join(dir, 'agent-0'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the paths out of `git add -A` in every worktree, and only those paths', async () => {
    const worktree = join(dir, 'agent-0');
    expect(await infoExcludePath(worktree)).toBe(join(dir, 'repo', '.git', 'info', 'exclude'));
    await mkdir(join(worktree, 'build'));
    await mkdir(join(worktree, 'src'));
    for (const file of ['.env', 'build/out.txt', 'a*b', 'src/.env', 'src/kept.txt', 'keep.txt']) {
      await writeFile(join(worktree, file), 'x\n');
    }
    expect(await excludeFromCommits(worktree, ['.env', 'build/', 'a*b', 'a\nb'], 'setup of agent-0')).toEqual(
      ['a\nb'],
    );
    // Again: nothing is repeated.
    await excludeFromCommits(join(dir, 'repo'), ['.env'], 'again');
    const exclude = await readFile(await infoExcludePath(worktree), 'utf8');
    expect(exclude.match(/^\/\.env$/gm)).toHaveLength(1);
    expect(exclude).toContain('# fanout: setup of agent-0\n/.env\n/build/\n/a\\*b\n');

    await git(worktree, 'add', '-A');
    // The pattern is anchored: src/.env is another file and is committed; a*b is not a glob.
    expect((await git(worktree, 'diff', '--cached', '--name-only')).trim().split('\n')).toEqual([
      'keep.txt',
      'src/.env',
      'src/kept.txt',
    ]);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGit } from './run-git.js';

describe('runGit', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-git-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('gives the exit code and output, with the extra environment', async () => {
    expect(await runGit(dir, ['init', '-q', '-b', 'main'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const name = await runGit(dir, ['var', 'GIT_AUTHOR_IDENT'], {
      env: { GIT_AUTHOR_NAME: 'agent-3', GIT_AUTHOR_EMAIL: 'a@b' },
    });
    expect(name.exitCode).toBe(0);
    expect(name.stdout).toMatch(/^agent-3 <a@b> \d+/);
  });

  it('resolves, never rejects, when git fails', async () => {
    const result = await runGit(dir, ['rev-parse', 'HEAD']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/not a git repository/);
  });

  it('stops git and fails when the output is larger than maxBuffer', async () => {
    await runGit(dir, ['init', '-q']);
    const result = await runGit(dir, ['help', '-a'], { maxBuffer: 100 });
    expect(result.exitCode).toBeNull();
    expect(result.stderr).toMatch(/more than 100 bytes/);
  });

  it('writes the input to git, and git reads nothing without it', async () => {
    await runGit(dir, ['init', '-q']);
    const hashed = await runGit(dir, ['hash-object', '--stdin'], { input: 'hello\n' });
    expect(hashed).toEqual({ exitCode: 0, stdout: 'ce013625030ba8dba906f756967f9e9ca394464a\n', stderr: '' });
    // Without input, stdin is closed: git reads an empty object instead of waiting for one.
    const empty = await runGit(dir, ['hash-object', '--stdin']);
    expect(empty.stdout).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\n');
  });
});

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FanoutError, runPathsAt, type RunRequest } from '@fanout/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitSync as git } from '../testing/git-sync.js';
import { createRun } from './create-run.js';

let dir: string;
let base: string;
let storage: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanout-copy-files-'));
  base = join(dir, 'base');
  storage = join(dir, 'storage');
  await mkdir(join(base, 'src'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main', base);
  await writeFile(join(base, 'tracked.txt'), 'tracked\n');
  await writeFile(join(base, 'src', 'index.ts'), 'export {};\n');
  git(base, 'add', '-A');
  git(base, 'commit', '-q', '-m', 'base');
  await writeFile(join(base, '.env'), 'SECRET=1\n');
  await mkdir(join(base, 'fixtures', 'deep'), { recursive: true });
  await writeFile(join(base, 'fixtures', 'deep', 'data.json'), '{}\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const create = (request: Partial<RunRequest>) =>
  createRun(
    { prompt: 'p', agents: 2, baseRepo: base, ...request },
    { storage, defaultModel: null, defaultTimeoutSeconds: 600, now: () => new Date() },
  );

/** The 400 createRun refused `request` with, as "<field>: <reason>". */
async function refusal(request: Partial<RunRequest>): Promise<string> {
  const error: unknown = await create(request).then(
    () => null,
    (e: unknown) => e,
  );
  if (!FanoutError.isInstance(error)) throw new Error(`expected a FanoutError, got ${String(error)}`);
  expect(error.status).toBe(400);
  return error.message;
}

describe('createRun with copyFiles', () => {
  it('copies files and directories into every worktree, and no commit can take them', async () => {
    const run = await create({ copyFiles: ['.env', 'fixtures'] });
    expect(run.copyFiles).toEqual(['.env', 'fixtures']);
    const paths = runPathsAt(run.runDir);
    for (const i of [0, 1]) {
      const worktree = paths.worktree(i);
      expect(await readFile(join(worktree, '.env'), 'utf8')).toBe('SECRET=1\n');
      expect(await readFile(join(worktree, 'fixtures', 'deep', 'data.json'), 'utf8')).toBe('{}\n');
      expect(git(worktree, 'status', '--porcelain', '--untracked-files=all')).toBe('');
      git(worktree, 'add', '-A');
      expect(git(worktree, 'diff', '--cached', '--name-only')).toBe('');
    }
    const exclude = await readFile(join(paths.repo, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude).toMatch(/^\/\.env$/m);
    expect(exclude).toMatch(/^\/fixtures$/m);
  });

  it('refuses, before writing anything, a path that is tracked, missing, a link or holds a link', async () => {
    await symlink(join(base, '.env'), join(base, 'env-link'));
    await mkdir(join(base, 'with-link'));
    await symlink('/etc', join(base, 'with-link', 'etc'));
    await mkdir(join(dir, 'elsewhere'));
    await writeFile(join(dir, 'elsewhere', 'x.env'), 'x\n');
    await symlink(join(dir, 'elsewhere'), join(base, 'outside'));
    await writeFile(join(base, 'src', 'local.ts'), 'local\n');

    expect(await refusal({ copyFiles: ['.env', 'tracked.txt'] })).toBe(
      'copyFiles.1: tracked.txt is tracked by git in HEAD; every worktree has it already',
    );
    expect(await refusal({ copyFiles: ['src'] })).toBe(
      'copyFiles.0: src holds src/index.ts, which is tracked by git in HEAD; every worktree has it already',
    );
    expect(await refusal({ copyFiles: ['missing.env'] })).toBe(
      'copyFiles.0: missing.env does not exist in the base repository',
    );
    expect(await refusal({ copyFiles: ['env-link'] })).toBe(
      'copyFiles.0: env-link is a symbolic link; it is not copied',
    );
    expect(await refusal({ copyFiles: ['with-link'] })).toBe(
      'copyFiles.0: with-link holds etc, which is a symbolic link or not a regular file',
    );
    expect(await refusal({ copyFiles: ['outside/x.env'] })).toBe(
      'copyFiles.0: outside/x.env is not inside the base repository (a symbolic link leads out of it)',
    );
    expect(existsSync(storage) ? await readdir(storage) : []).toEqual([]);
    // An untracked file in a tracked directory is fine.
    const run = await create({ copyFiles: ['src/local.ts'] });
    expect(await readFile(join(runPathsAt(run.runDir).worktree(1), 'src', 'local.ts'), 'utf8')).toBe(
      'local\n',
    );
  });

  it('checks against baseRef, not the working tree', async () => {
    const first = git(base, 'rev-parse', 'HEAD');
    git(base, 'checkout', '-q', '-b', 'later');
    await writeFile(join(base, 'later.txt'), 'later\n');
    git(base, 'add', 'later.txt');
    git(base, 'commit', '-q', '-m', 'later');
    expect(await refusal({ baseRef: 'later', copyFiles: ['later.txt'] })).toBe(
      'copyFiles.0: later.txt is tracked by git in later; every worktree has it already',
    );
    const run = await create({ baseRef: first, copyFiles: ['later.txt'] });
    expect(await readFile(join(runPathsAt(run.runDir).worktree(0), 'later.txt'), 'utf8')).toBe('later\n');
  });
});

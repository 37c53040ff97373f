import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunRepo } from './create-run-repo.js';

let dir: string;
let base: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

async function commitFile(name: string): Promise<string> {
  await writeFile(join(base, name), `${name}\n`);
  git(base, 'add', '-A');
  git(base, 'commit', '-q', '-m', name);
  return git(base, 'rev-parse', 'HEAD');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanout-run-repo-'));
  base = join(dir, 'base');
  git(dir, 'init', '-q', '-b', 'trunk', base);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const make = (baseRef: string | null, name = 'repo') =>
  createRunRepo({ repo: join(dir, name), runId: 'r', baseRepo: base, baseRef });

describe('createRunRepo from a base repository', () => {
  it('starts main at the base HEAD by default', async () => {
    const head = await commitFile('a.txt');
    expect(await make(null)).toBe(head);
    expect(git(join(dir, 'repo'), 'rev-parse', 'main')).toBe(head);
    expect(git(join(dir, 'repo'), 'config', 'gc.auto')).toBe('0');
  });

  it('starts at a branch that is not checked out in the base repository, and at a tag', async () => {
    await commitFile('a.txt');
    git(base, 'checkout', '-q', '-b', 'feature');
    const feature = await commitFile('feature.txt');
    git(base, 'tag', 'v1');
    git(base, 'checkout', '-q', 'trunk');
    expect(await make('feature')).toBe(feature);
    expect(git(join(dir, 'repo'), 'show', 'main:feature.txt')).toBe('feature.txt');
    expect(await make('v1', 'repo-tag')).toBe(feature);
  });

  it('starts at a commit that is on no branch or tag', async () => {
    await commitFile('a.txt');
    git(base, 'checkout', '-q', '--detach');
    const loose = await commitFile('loose.txt');
    git(base, 'checkout', '-q', 'trunk');
    expect(await make(loose)).toBe(loose);
    expect(git(join(dir, 'repo'), 'show', 'main:loose.txt')).toBe('loose.txt');
  });
});

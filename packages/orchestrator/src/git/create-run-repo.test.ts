import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitSync as git } from '../testing/git-sync.js';
import { addWorktrees, createRunRepo } from './create-run-repo.js';

let dir: string;
let base: string;

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
    // The clone's own copy of the base's branch (trunk) is not kept: the run's branches are main and the agents'.
    expect(git(join(dir, 'repo'), 'for-each-ref', '--format=%(refname)', 'refs/heads/')).toBe(
      'refs/heads/main',
    );
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

describe('addWorktrees', () => {
  let repo: string;
  let commit: string;
  beforeEach(async () => {
    await commitFile('a.txt');
    repo = join(dir, 'repo');
    commit = await createRunRepo({ repo, runId: 'r', baseRepo: base, baseRef: null });
  });
  const agents = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ path: join(dir, `wt-${i}`), branch: `agent-${i}` }));

  it('checks out a worktree per agent on its own new branch at the commit, with one git for all branches', async () => {
    const trace = join(dir, 'trace');
    process.env.GIT_TRACE = trace;
    try {
      await addWorktrees(repo, agents(3), commit);
    } finally {
      delete process.env.GIT_TRACE;
    }
    for (const [i, { path }] of agents(3).entries()) {
      expect(git(path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(`agent-${i}`);
      expect(git(path, 'rev-parse', 'HEAD')).toBe(commit);
      expect(git(path, 'status', '--porcelain')).toBe('');
      expect(await readFile(join(path, 'a.txt'), 'utf8')).toBe('a.txt\n');
    }
    const started = [...(await readFile(trace, 'utf8')).matchAll(/trace: built-in: git (\S+)/g)].map(
      (m) => m[1],
    );
    expect(started.filter((command) => command === 'update-ref')).toHaveLength(1);
    expect(started.filter((command) => command === 'worktree')).toHaveLength(3);
    expect(started).not.toContain('branch');
  });

  it('creates no branch and no worktree when one branch exists already', async () => {
    git(repo, 'branch', 'agent-1', commit);
    await expect(addWorktrees(repo, agents(3), commit)).rejects.toThrow(/update-ref failed.*agent-1/);
    expect(git(repo, 'branch', '--list', 'agent-*')).toBe('agent-1');
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain('wt-');
  });
});

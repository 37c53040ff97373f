import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffStat, headCommit, parseShortStat, saveUncommittedWork } from './git-commit.js';
import { createRunFixture, type RunFixture } from './testing/run-fixture.js';

describe('parseShortStat', () => {
  it('reads files, insertions and deletions', () => {
    expect(parseShortStat(' 3 files changed, 10 insertions(+), 2 deletions(-)')).toEqual({
      files: 3,
      insertions: 10,
      deletions: 2,
    });
    expect(parseShortStat(' 1 file changed, 1 insertion(+)')).toEqual({
      files: 1,
      insertions: 1,
      deletions: 0,
    });
    expect(parseShortStat(' 1 file changed, 4 deletions(-)')).toEqual({
      files: 1,
      insertions: 0,
      deletions: 4,
    });
    expect(parseShortStat('')).toEqual({ files: 0, insertions: 0, deletions: 0 });
  });
});

describe('saveUncommittedWork', () => {
  let fixture: RunFixture;
  let worktree: string;

  beforeEach(async () => {
    fixture = await createRunFixture();
    worktree = fixture.paths.worktree(0);
  });
  afterEach(() => fixture.remove());

  it('commits everything left over as fanout, saying why', async () => {
    await writeFile(join(worktree, 'a.txt'), 'one\ntwo\n');
    const commit = await saveUncommittedWork(worktree, 'after cancel');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await fixture.git(0, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s')).toBe(
      'fanout <fanout@fanout.local>|fanout <fanout@fanout.local>|fanout: save uncommitted work after cancel',
    );
    expect(await fixture.git(0, 'status', '--porcelain')).toBe('');
    expect(await headCommit(worktree)).toBe(commit);
    expect(await diffStat(worktree, fixture.baseCommit, commit!)).toEqual({
      files: 1,
      insertions: 2,
      deletions: 0,
    });
  });

  it('does nothing when nothing is left over', async () => {
    expect(await saveUncommittedWork(worktree, 'after the agent finished')).toBeNull();
    expect(await headCommit(worktree)).toBe(fixture.baseCommit);
  });

  it('gets past a stale index.lock and a failing pre-commit hook', async () => {
    const gitDir = await fixture.git(0, 'rev-parse', '--absolute-git-dir');
    await writeFile(join(gitDir, 'index.lock'), '');
    const hooks = join(fixture.paths.repo, '.git', 'hooks');
    await writeFile(join(hooks, 'pre-commit'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    await writeFile(join(worktree, 'b.txt'), 'b\n');
    expect(await saveUncommittedWork(worktree, 'after the agent crashed')).not.toBeNull();
    expect(await fixture.git(0, 'log', '-1', '--format=%s')).toBe(
      'fanout: save uncommitted work after the agent crashed',
    );
  });
});

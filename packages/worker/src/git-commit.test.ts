import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  diffStat,
  headCommit,
  parseHead,
  parseShortStat,
  readHead,
  saveUncommittedWork,
} from './git-commit.js';
import { startGitTrace, type GitTrace } from './testing/git-trace.js';
import { createRunFixture, type RunFixture } from './testing/run-fixture.js';

const STATUS = 'status --porcelain --untracked-files=all --ignore-submodules=dirty';

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

describe('parseHead', () => {
  const sha = 'a'.repeat(40);
  it('reads the git dir, the commit and the branch', () => {
    expect(parseHead(`/r/.git/worktrees/w\n${sha}\nrefs/heads/agent-0\n`)).toEqual({
      gitDir: '/r/.git/worktrees/w',
      commit: sha,
      branch: 'agent-0',
    });
    expect(parseHead(`/r/.git\n${sha}\nrefs/heads/feature/x\n`)?.branch).toBe('feature/x');
  });
  it('gives no branch for a detached HEAD', () => {
    expect(parseHead(`/r/.git\n${sha}\nHEAD\n`)).toEqual({ gitDir: '/r/.git', commit: sha, branch: null });
  });
  it('is null for anything else, so the caller asks git one question at a time', () => {
    expect(parseHead(`/r/.git\n${sha}\nrefs/remotes/origin/main\n`)).toBeNull();
    expect(parseHead(`/r/.git\nHEAD\n`)).toBeNull();
    expect(parseHead(`.git\n${sha}\nHEAD\n`)).toBeNull();
    expect(parseHead(`/r/.git\nnot-a-commit\nHEAD\n`)).toBeNull();
    expect(parseHead(`/r/a\nb/.git\n${sha}\nHEAD\n`)).toBeNull();
    expect(parseHead('')).toBeNull();
  });
});

describe('readHead', () => {
  let fixture: RunFixture;
  let worktree: string;

  beforeEach(async () => {
    fixture = await createRunFixture();
    worktree = fixture.paths.worktree(0);
  });
  afterEach(() => fixture.remove());

  it("reads a linked worktree's git dir, head commit and branch", async () => {
    expect(await readHead(worktree)).toEqual({
      gitDir: await fixture.git(0, 'rev-parse', '--absolute-git-dir'),
      commit: fixture.baseCommit,
      branch: 'agent-0',
    });
  });

  it('gives no branch for a detached HEAD', async () => {
    await fixture.git(0, 'checkout', '-q', '--detach');
    expect(await readHead(worktree)).toMatchObject({ commit: fixture.baseCommit, branch: null });
  });

  it('is null on a branch with no commit yet, or outside a repository', async () => {
    await fixture.git(0, 'checkout', '-q', '--orphan', 'fresh');
    expect(await readHead(worktree)).toBeNull();
    expect(await readHead(fixture.root)).toBeNull();
  });
});

describe('saveUncommittedWork', () => {
  let fixture: RunFixture;
  let worktree: string;
  let trace: GitTrace;

  beforeEach(async () => {
    fixture = await createRunFixture();
    worktree = fixture.paths.worktree(0);
    trace = await startGitTrace();
  });
  afterEach(async () => {
    await trace.stop();
    await fixture.remove();
  });

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

  it('asks git status, and runs no add when it lists nothing', async () => {
    await trace.take();
    expect(await saveUncommittedWork(worktree, 'after cancel')).toBeNull();
    expect(await trace.take()).toEqual(['rev-parse --git-dir', STATUS]);
    const head = await readHead(worktree);
    await trace.take();
    expect(await saveUncommittedWork(worktree, 'after cancel', undefined, head?.gitDir)).toBeNull();
    expect(await trace.take()).toEqual([STATUS]);
  });

  it('commits modified, deleted, staged and untracked files alike', async () => {
    await writeFile(join(worktree, 'edit.txt'), 'old\n');
    await writeFile(join(worktree, 'gone.txt'), 'gone\n');
    await fixture.git(0, 'add', '-A');
    await fixture.git(0, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'Two files');
    await writeFile(join(worktree, 'edit.txt'), 'new\n');
    await fixture.git(0, 'rm', '-q', 'gone.txt');
    await writeFile(join(worktree, 'staged.txt'), 'staged\n');
    await fixture.git(0, 'add', 'staged.txt');
    await mkdir(join(worktree, 'deep', 'er'), { recursive: true });
    await writeFile(join(worktree, 'deep', 'er', 'new.txt'), 'new\n');
    await trace.take();
    const commit = await saveUncommittedWork(worktree, 'after the timeout');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect((await trace.take()).map((command) => command.split(' ')[0])).toEqual([
      'rev-parse',
      'status',
      'add',
      'diff',
      'commit',
      'maintenance', // started by git commit itself
      'rev-parse',
    ]);
    expect(await fixture.git(0, 'show', '--name-status', '--format=%s', 'HEAD')).toBe(
      [
        'fanout: save uncommitted work after the timeout',
        '',
        'A\tdeep/er/new.txt',
        'M\tedit.txt',
        'D\tgone.txt',
        'A\tstaged.txt',
      ].join('\n'),
    );
    expect(await fixture.git(0, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('leaves files that .gitignore or info/exclude leave out', async () => {
    await writeFile(join(worktree, '.gitignore'), '*.log\n');
    await fixture.git(0, 'add', '.gitignore');
    await fixture.git(0, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'Ignore logs');
    await writeFile(join(fixture.paths.repo, '.git', 'info', 'exclude'), 'scratch/\n');
    await writeFile(join(worktree, 'run.log'), 'noise\n');
    await mkdir(join(worktree, 'scratch'));
    await writeFile(join(worktree, 'scratch', 'tmp.txt'), 'tmp\n');
    const head = await headCommit(worktree);
    await trace.take();
    expect(await saveUncommittedWork(worktree, 'after cancel')).toBeNull();
    expect(await trace.take()).not.toContain('add -A');
    expect(await headCommit(worktree)).toBe(head);
  });

  it('commits a submodule moved to another commit, but not changes inside one', async () => {
    const lib = join(fixture.root, 'lib');
    await mkdir(lib);
    await fixture.git(0, '-C', lib, 'init', '-q', '-b', 'main');
    await fixture.git(0, '-C', lib, '-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '-m', '1');
    await fixture.git(0, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'lib');
    await fixture.git(0, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'Add lib');
    const sub = join(worktree, 'lib');
    const commitInSub = async (name: string) => {
      await writeFile(join(sub, name), `${name}\n`);
      await fixture.git(0, '-C', sub, 'add', name);
      await fixture.git(0, '-C', sub, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', name);
    };

    // add -A cannot stage what changed inside the submodule: status is not asked about it.
    await writeFile(join(sub, 'inside.txt'), 'inside\n');
    await trace.take();
    expect(await saveUncommittedWork(worktree, 'after cancel')).toBeNull();
    expect(await trace.take()).toEqual(['rev-parse --git-dir', STATUS]);

    await commitInSub('inside.txt');
    expect(await saveUncommittedWork(worktree, 'after cancel')).not.toBeNull();
    expect(await fixture.git(0, 'rev-parse', 'HEAD:lib')).toBe(
      await fixture.git(0, '-C', sub, 'rev-parse', 'HEAD'),
    );

    // Told to ignore the submodule, status still lists the move, and add -A and its diff decide as before.
    await fixture.git(0, 'config', 'submodule.lib.ignore', 'all');
    await commitInSub('more.txt');
    await trace.take();
    await saveUncommittedWork(worktree, 'after cancel');
    expect(await trace.take()).toEqual(expect.arrayContaining([STATUS, 'add -A', 'diff --cached --quiet']));
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

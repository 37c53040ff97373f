import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPathsAt, type RunRequest } from '@fanout/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitSync as git } from '../testing/git-sync.js';
import { createRun } from './create-run.js';

let dir: string;
let storage: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanout-create-run-'));
  storage = join(dir, 'storage');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const create = (request: Partial<RunRequest>) =>
  createRun(
    { prompt: 'p', agents: 2, ...request },
    { storage, defaultModel: null, defaultTimeoutSeconds: 600, now: () => new Date() },
  );

describe('createRun', () => {
  it('starts a run from an agent’s worktree of an earlier run, whose branch is named like a new agent’s', async () => {
    const first = runPathsAt((await create({})).runDir);
    const worktree = first.worktree(1);
    await writeFile(join(worktree, 'result.txt'), 'agent-1 was here\n');
    git(worktree, 'add', '-A');
    git(worktree, 'commit', '-q', '-m', 'agent-1 work');
    const commit = git(worktree, 'rev-parse', 'HEAD');

    // A clone of that worktree brings its checked-out branch, agent-1, along as a local branch.
    const second = await create({ baseRepo: worktree });
    expect(second.baseCommit).toBe(commit);
    const paths = runPathsAt(second.runDir);
    expect(git(paths.repo, 'rev-parse', 'main')).toBe(commit);
    for (const i of [0, 1]) {
      expect(git(paths.worktree(i), 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(`agent-${i}`);
      expect(git(paths.worktree(i), 'rev-parse', 'HEAD')).toBe(commit);
      expect(await readFile(join(paths.worktree(i), 'result.txt'), 'utf8')).toBe('agent-1 was here\n');
    }
  });
});

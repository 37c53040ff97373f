import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerConfig } from './config.js';
import { SetupError, checkWorktree } from './setup.js';
import { startGitTrace, type GitTrace } from './testing/git-trace.js';
import { createRunFixture, type RunFixture } from './testing/run-fixture.js';

describe('checkWorktree', () => {
  let fixture: RunFixture;
  let config: WorkerConfig;
  let trace: GitTrace;

  beforeEach(async () => {
    fixture = await createRunFixture();
    config = {
      worktree: fixture.paths.worktree(0),
      branch: 'agent-0',
      runDir: fixture.runDir,
      runId: fixture.runId,
      agentIndex: 0,
    };
    trace = await startGitTrace();
  });
  afterEach(async () => {
    await trace.stop();
    await fixture.remove();
  });

  const failure = (over: Partial<WorkerConfig> = {}) =>
    checkWorktree({ ...config, ...over }).then(
      () => null,
      (error: unknown) =>
        error instanceof SetupError ? error.message : `not a SetupError: ${String(error)}`,
    );

  it('passes a worktree on its branch with one git call', async () => {
    await trace.take();
    await checkWorktree(config);
    expect(await trace.take()).toEqual(['rev-parse --show-toplevel --symbolic-full-name HEAD']);
  });

  it('names the branch checked out instead', async () => {
    await fixture.git(0, 'checkout', '-q', '-b', 'other');
    expect(await failure()).toBe('the worktree has other checked out, not agent-0');
  });

  it('says so for a detached HEAD', async () => {
    await fixture.git(0, 'checkout', '-q', '--detach');
    expect(await failure()).toBe('the worktree has a detached HEAD checked out, not agent-0');
  });

  it('refuses a directory that is not the top of a worktree', async () => {
    const inside = join(config.worktree, 'sub');
    await mkdir(inside);
    expect(await failure({ worktree: inside })).toBe(`${inside} is not a git worktree`);
    expect(await failure({ worktree: fixture.runDir })).toBe(`${fixture.runDir} is not a git worktree`);
  });

  it('refuses a worktree that does not exist', async () => {
    const missing = join(fixture.root, 'missing');
    expect(await failure({ worktree: missing })).toBe(`the worktree ${missing} does not exist`);
  });

  it('passes its branch before the first commit on it, as before', async () => {
    await fixture.git(0, 'checkout', '-q', '--orphan', 'fresh');
    expect(await failure({ branch: 'fresh' })).toBeNull();
    expect(await failure()).toBe('the worktree has fresh checked out, not agent-0');
  });
});

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findProcessesIn, killWorktreeProcesses } from './worktree-processes.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A detached process (its own session, like a Claude Code Bash command) idling with `cwd`. */
function idler(cwd: string, script = 'setInterval(() => {}, 1000)'): number {
  const child = spawn(process.execPath, ['-e', script], { cwd, detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid === undefined) throw new Error('spawn failed');
  return child.pid;
}

describe('worktree processes', () => {
  let dir: string;
  const pids: number[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-procs-'));
    await mkdir(join(dir, 'worktree', 'src'), { recursive: true });
    await mkdir(join(dir, 'elsewhere'));
  });

  afterEach(async () => {
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('finds and ends the processes inside the worktree, and only those', async () => {
    const inside = idler(join(dir, 'worktree', 'src'));
    const outside = idler(join(dir, 'elsewhere'));
    pids.push(inside, outside);
    await expect.poll(() => findProcessesIn(join(dir, 'worktree'))).toEqual([inside]);

    const killed = await killWorktreeProcesses(join(dir, 'worktree'), { graceMs: 2000 });
    expect(killed).toEqual([inside]);
    await expect.poll(() => findProcessesIn(join(dir, 'worktree'))).toEqual([]);
    expect(alive(outside)).toBe(true);
  });

  it('uses SIGKILL on a process that ignores SIGTERM', async () => {
    const script =
      "process.on('SIGTERM', () => {}); require('fs').writeFileSync('ready', ''); setInterval(() => {}, 1000)";
    const stubborn = idler(join(dir, 'worktree'), script);
    pids.push(stubborn);
    await expect.poll(() => existsSync(join(dir, 'worktree', 'ready'))).toBe(true);
    const started = Date.now();
    await killWorktreeProcesses(join(dir, 'worktree'), { graceMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(findProcessesIn(join(dir, 'worktree'))).toEqual([]);
  });

  it('never ends the calling process even when its cwd is inside', async () => {
    const before = process.cwd();
    process.chdir(join(dir, 'worktree'));
    try {
      expect(findProcessesIn(join(dir, 'worktree'))).not.toContain(process.pid);
    } finally {
      process.chdir(before);
    }
  });
});

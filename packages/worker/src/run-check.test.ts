import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from './run-check.js';
import { findProcessesIn } from './worktree-processes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanout-check-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = (command: string, options: Partial<CheckOptions> = {}) =>
  runCheck({ command, cwd: dir, env: process.env, timeoutMs: 20_000, killGraceMs: 500, ...options });

describe('runCheck', () => {
  it('passes on exit 0, in the worktree, with stdout and stderr in its output', async () => {
    const result = await check('echo out; echo err >&2; pwd; test "$CI" = true');
    expect(result).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(result.message).toBeUndefined();
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
    expect(result.output).toContain(`${dir}\n`);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('fails with the exit code and the tail of the output', async () => {
    const result = await check('i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; exit 3', {
      outputBytes: 100,
    });
    expect(result).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(result.message).toBeUndefined();
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(100);
    expect(result.output.endsWith('line 1998\nline 1999\n')).toBe(true);
    expect(result.output).not.toContain('line 0\n');
  });

  it('keeps about 8 KB of output by default, cut at whole characters', async () => {
    const result = await check(`node -e "process.stdout.write('€'.repeat(10000))"`);
    expect(result.status).toBe('passed');
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(8 * 1024);
    expect(Buffer.byteLength(result.output)).toBeGreaterThan(8 * 1024 - 3);
    expect(result.output).toMatch(/^€+$/);
  });

  it('is an error when it runs out of time, and kills what it started', async () => {
    const marker = join(dir, 'late.txt');
    const result = await check(`echo started; sleep 30 & sleep 30; touch ${marker}`, { timeoutMs: 500 });
    expect(result).toMatchObject({ status: 'error', exitCode: null, message: 'timed out after 0.5 s' });
    expect(result.output).toBe('started\n');
    expect(existsSync(marker)).toBe(false);
    expect(findProcessesIn(dir)).toEqual([]);
  });

  it('is an error when it is stopped, with the reason', async () => {
    const abort = new AbortController();
    const running = check('echo waiting; sleep 30', { signal: abort.signal });
    setTimeout(() => abort.abort('cancelled'), 300);
    expect(await running).toMatchObject({ status: 'error', exitCode: null, message: 'cancelled' });
    expect(findProcessesIn(dir)).toEqual([]);

    const before = new AbortController();
    before.abort('cancelled');
    expect(await check('echo never', { signal: before.signal })).toEqual({
      status: 'error',
      exitCode: null,
      durationMs: 0,
      output: '',
      message: 'cancelled',
    });
  });

  it('is an error when it cannot start', async () => {
    const result = await check('true', { cwd: join(dir, 'missing') });
    expect(result.status).toBe('error');
    expect(result.exitCode).toBeNull();
    expect(result.message).toMatch(/^could not start \/bin\/sh: /);
  });

  it('does not wait for a background process that keeps its output open', async () => {
    const result = await check('(setsid sleep 30 &) ; echo done');
    expect(result).toMatchObject({ status: 'passed', exitCode: 0, output: 'done\n' });
  });
});

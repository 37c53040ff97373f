import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resultFileSchema, runPathsAt, type RunFile } from '@fanout/shared';
import { writeJsonOnce } from '@fanout/worker';
import { createLogger } from '../../logger.js';
import { createRun } from '../../runs/create-run.js';
import { LocalExecutor } from './local-executor.js';

/**
 * Stand-in workers, as real child processes, to drive the executor's process control: the real worker
 * is exercised end to end in packages/orchestrator/e2e.
 */
const WORKER = `
const fs = require('node:fs');
const dir = process.env.FANOUT_RUN_DIR + '/meta/agent-' + process.env.FANOUT_AGENT_INDEX;
const mode = process.argv[1];
fs.appendFileSync(dir + '/spans.txt', 'start ' + Date.now() + '\\n');
const { NODE_EXTRA_CA_CERTS = null, FANOUT_NODE_EXTRA_CA_CERTS = null } = process.env;
fs.writeFileSync(dir + '/env.json', JSON.stringify({ NODE_EXTRA_CA_CERTS, FANOUT_NODE_EXTRA_CA_CERTS }));
fs.writeFileSync(process.env.AGENT_WORKTREE_PATH + '/work.txt', 'work\\n');
if (mode === 'stubborn') process.on('SIGTERM', () => {});
if (mode === 'lost-in-check') {
  // Gone while the run's check ran: work.txt stands for what the check wrote.
  const now = new Date().toISOString();
  fs.writeFileSync(dir + '/state.json', JSON.stringify({ rev: 2, pid: process.pid, host: 'h', startedAt: now,
    heartbeatAt: now, numTurns: 1, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
    costUsd: null, activity: 'Check: npm test', model: null, sessionId: null, checking: true }));
  process.exit(0);
}
const finish = () => {
  fs.appendFileSync(dir + '/spans.txt', 'end ' + Date.now() + '\\n');
  if (mode === 'ok') {
    const now = new Date().toISOString();
    fs.writeFileSync(dir + '/result.json', JSON.stringify({ status: 'succeeded', startedAt: now, finishedAt: now,
      commit: null, diffStat: null, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
      costUsd: null, numTurns: 1, writtenBy: 'worker' }));
  }
  process.exit(0);
};
setTimeout(finish, mode === 'stubborn' ? 600000 : 300);
`;

let storage: string;
const executors: LocalExecutor[] = [];

beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'fanout-local-executor-'));
});
afterEach(async () => {
  for (const e of executors.splice(0)) await e.close();
  await rm(storage, { recursive: true, force: true });
});

const logger = createLogger({ level: 'silent' });

function executor(mode: string, concurrency = 4, env: NodeJS.ProcessEnv = process.env): LocalExecutor {
  const e = new LocalExecutor({
    concurrency,
    killGraceMs: 500,
    workerCommand: [process.execPath, '-e', WORKER, mode],
    env,
    logger,
    pollMs: 100,
  });
  executors.push(e);
  return e;
}

async function newRun(agents: number): Promise<RunFile> {
  return createRun(
    { prompt: 'p', agents },
    { storage, defaultModel: null, defaultTimeoutSeconds: 600, now: () => new Date() },
  );
}

async function result(run: RunFile, index: number, timeoutMs = 20_000) {
  const path = runPathsAt(run.runDir).agent(index).result;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) return resultFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no result for agent ${index}`);
}

function lastCommit(run: RunFile, index: number): string {
  return execFileSync('git', ['log', '-1', '--format=%an|%s', `agent-${index}`], {
    cwd: runPathsAt(run.runDir).repo,
    encoding: 'utf8',
  }).trim();
}

describe('LocalExecutor', () => {
  it('runs at most `concurrency` workers at once; the rest wait', async () => {
    const run = await newRun(3);
    await executor('ok', 1).launch(run);
    for (let i = 0; i < 3; i++) expect((await result(run, i)).status).toBe('succeeded');
    const spans = [0, 1, 2].map((i) => {
      const lines = readFileSync(join(runPathsAt(run.runDir).agent(i).dir, 'spans.txt'), 'utf8').split('\n');
      return lines.filter(Boolean).map((l) => Number(l.split(' ')[1]));
    });
    spans.sort((a, b) => a[0]! - b[0]!);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]!).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
  });

  it('starts a worker with NODE_EXTRA_CA_CERTS moved aside, so that its Node.js does not load them', async () => {
    const run = await newRun(1);
    await executor('ok', 1, { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/company/ca.pem' }).launch(run);
    expect((await result(run, 0)).status).toBe('succeeded');
    const env = JSON.parse(readFileSync(join(runPathsAt(run.runDir).agent(0).dir, 'env.json'), 'utf8'));
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: null, FANOUT_NODE_EXTRA_CA_CERTS: '/etc/company/ca.pem' });
  });

  it('a worker that ignores SIGTERM is killed after the grace period; cancel still commits its work', async () => {
    const run = await newRun(1);
    const e = executor('stubborn');
    await e.launch(run);
    const paths = runPathsAt(run.runDir);
    while (!existsSync(join(paths.worktree(0), 'work.txt'))) await new Promise((r) => setTimeout(r, 50));
    await writeJsonOnce(paths.cancel, { requestedAt: new Date().toISOString() });
    const started = Date.now();
    await e.cancel(run);
    const outcome = await result(run, 0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(outcome.status).toBe('cancelled');
    expect(outcome.writtenBy).toBe('orchestrator');
    expect(lastCommit(run, 0)).toBe('fanout|fanout: save uncommitted work after cancel');
  });

  it('a worker that exits without an outcome: worker_lost, its work committed', async () => {
    const run = await newRun(1);
    await executor('vanish').launch(run);
    const outcome = await result(run, 0);
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('worker_lost');
    expect(outcome.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(lastCommit(run, 0)).toBe('fanout|fanout: save uncommitted work after the worker was lost');
  });

  it('a worker lost during the check: worker_lost, and nothing the check left is committed', async () => {
    const run = await newRun(1);
    await executor('lost-in-check').launch(run);
    const outcome = await result(run, 0);
    expect(outcome.error?.code).toBe('worker_lost');
    expect(outcome.commit).toBe(run.baseCommit);
    const worktree = runPathsAt(run.runDir).worktree(0);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: worktree, encoding: 'utf8' })).toBe(
      '?? work.txt\n',
    );
  });

  it('cancel of agents still queued records them cancelled without starting them', async () => {
    const run = await newRun(3);
    const e = executor('stubborn', 1);
    await e.launch(run);
    const paths = runPathsAt(run.runDir);
    await writeJsonOnce(paths.cancel, { requestedAt: new Date().toISOString() });
    await e.cancel(run);
    const outcomes = await Promise.all([0, 1, 2].map((i) => result(run, i)));
    expect(outcomes.map((o) => o.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(outcomes.filter((o) => o.error?.message === 'cancelled before it started')).toHaveLength(2);
  });

  it('adopts a live worker after a restart, and finishes a dead one', async () => {
    const run = await newRun(2);
    const paths = runPathsAt(run.runDir);
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1500)'], {
      detached: true,
      stdio: 'ignore',
    });
    const ticks = readFileSync(`/proc/${alive.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
    const host = (await import('node:os')).hostname();
    await writeJsonOnce(paths.agent(0).launch, {
      launchedAt: new Date().toISOString(),
      executor: 'local',
      pid: alive.pid,
      pidStartTicks: ticks,
      host,
    });
    await writeJsonOnce(paths.agent(1).launch, {
      launchedAt: new Date().toISOString(),
      executor: 'local',
      pid: 999_999,
      host,
    });
    await writeFile(join(paths.worktree(1), 'left.txt'), 'left behind\n');
    await executor('ok').adopt(run);
    const dead = await result(run, 1);
    expect(dead.error?.code).toBe('worker_lost');
    expect(execFileSync('git', ['show', 'agent-1:left.txt'], { cwd: paths.repo, encoding: 'utf8' })).toBe(
      'left behind\n',
    );
    expect(existsSync(paths.agent(0).result)).toBe(false);
    const adopted = await result(run, 0);
    expect(adopted.error?.code).toBe('worker_lost');
  });
});

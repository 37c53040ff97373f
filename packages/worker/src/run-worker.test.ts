/**
 * The built `fanout-worker` bin as a real child process, running the real Claude Code binary against the
 * scripted Messages API server, in a real run directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultFileSchema, stateFileSchema, type ResultFile } from '@fanout/shared';
import {
  TEST_MODEL,
  claudeEnvFor,
  scriptByAgent,
  startScriptedModel,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_BUNDLE, WORKER_NODE_FLAGS } from './bundle-path.js';
import { createRunFixture, type RunFixture, type RunFixtureOptions } from './testing/run-fixture.js';
import { findProcessesIn } from './worktree-processes.js';

/** The launcher of the bundled worker (bundle.mjs), started as fanout starts it for every agent. */
const BIN = fileURLToPath(new URL(`../dist/${WORKER_BUNDLE}`, import.meta.url));

interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker wrote to stdout and stderr (its worker.log). */
  output: () => string;
  exited: Promise<number | null>;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A run with one agent, and a scripted model that plays `steps(worktree)` as agent 0. */
async function setup(steps: (worktree: string) => Step[], options: RunFixtureOptions = {}) {
  const fixture = await createRunFixture({ model: TEST_MODEL, ...options });
  cleanups.push(() => fixture.remove());
  const worktree = fixture.paths.worktree(0);
  const model = await startScriptedModel({ script: scriptByAgent({ 0: steps(worktree) }) });
  cleanups.push(() => model.close());
  return { model, fixture, worktree, agent: fixture.paths.agent(0) };
}

function startWorker(
  fixture: RunFixture,
  model: ScriptedModel,
  env: Record<string, string> = {},
): WorkerProcess {
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, BIN], {
    env: { ...process.env, ...claudeEnvFor(model), ...fixture.workerEnv(0), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, output: () => output, exited };
}

async function readResult(path: string): Promise<ResultFile> {
  return resultFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

async function transcript(path: string): Promise<{ type: string; subtype?: string }[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; subtype?: string });
}

/** The hanging step is in flight: the model was asked for step `step` and has not answered. */
function waitingOnStep(model: ScriptedModel, step: number): boolean {
  return model.requests.some((r) => r.kind === 'main' && r.step === step && r.outcome === 'pending');
}

/** The Claude Code process the worker started: a child of the worker running the bundled binary. */
async function claudeChildOf(pid: number): Promise<number | null> {
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (cmdline.some((arg) => arg.endsWith('/claude')) && !cmdline.includes('serve')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

const write = (path: string, content: string): Step => ({
  kind: 'tool',
  calls: [{ name: 'Write', input: { file_path: path, content } }],
});
const bash = (command: string, extra: Record<string, unknown> = {}): Step => ({
  kind: 'tool',
  calls: [{ name: 'Bash', input: { command, description: 'run it', ...extra } }],
});

describe('fanout-worker with the real Claude Code', () => {
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b packages/worker)`);
  });

  it('runs an agent that commits its own work', { timeout: 60_000 }, async () => {
    const { model, fixture, agent } = await setup((w) => [
      write(join(w, 'hello.txt'), 'hello\n'),
      bash('git add -A && git commit -m "Add hello"'),
      { kind: 'text', text: 'Added hello.txt and committed it.' },
    ]);
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(0);
    const result = await readResult(agent.result);
    expect(result).toMatchObject({ status: 'succeeded', writtenBy: 'worker', numTurns: 3 });
    expect(result.error).toBeUndefined();
    expect(result.commit).toBe(await fixture.git(0, 'rev-parse', 'agent-0'));
    expect(result.diffStat).toEqual({ files: 1, insertions: 1, deletions: 0 });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt ?? ''));

    // The agent's own commit, authored as the agent; nothing was left for a safety-net commit.
    expect(await fixture.git(0, 'log', '--format=%an <%ae>|%s', `${fixture.baseCommit}..agent-0`)).toBe(
      'agent-0 <agent-0@fanout.local>|Add hello',
    );
    expect(await fixture.git(0, 'status', '--porcelain')).toBe('');

    const lines = await transcript(agent.transcript);
    expect(lines[0]).toMatchObject({
      type: 'system',
      subtype: 'init',
      permissionMode: 'bypassPermissions',
      mcp_servers: [{ name: 'claude', status: 'connected' }],
    });
    expect(lines.filter((m) => m.type === 'assistant').length).toBeGreaterThanOrEqual(3);
    expect(lines.at(-1)).toMatchObject({ type: 'result', subtype: 'success', is_error: false });

    const state = stateFileSchema.parse(JSON.parse(await readFile(agent.state, 'utf8')));
    expect(state).toMatchObject({ numTurns: 3, activity: null, model: TEST_MODEL, pid: worker.child.pid });
    expect(state.rev).toBeGreaterThan(1);
    expect(state.sessionId).not.toBeNull();

    // Isolation: the agent's Claude Code configuration lives in the run's metadata; no secrets in the log.
    expect(existsSync(join(agent.claudeConfig, 'projects'))).toBe(true);
    expect(worker.output()).not.toContain('sk-ant-fixture');
  });

  it('commits work the agent left uncommitted, as fanout', { timeout: 60_000 }, async () => {
    const { model, fixture, agent } = await setup((w) => [
      write(join(w, 'notes.md'), '# Notes\n\nline\n'),
      { kind: 'text', text: 'Done.' },
    ]);
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(0);
    const result = await readResult(agent.result);
    expect(result.status).toBe('succeeded');
    expect(await fixture.git(0, 'log', '-1', '--format=%an <%ae>|%cn|%s', 'agent-0')).toBe(
      'fanout <fanout@fanout.local>|fanout|fanout: save uncommitted work after the agent finished',
    );
    expect(await fixture.git(0, 'show', 'agent-0:notes.md')).toBe('# Notes\n\nline');
    expect(result.commit).toBe(await fixture.git(0, 'rev-parse', 'agent-0'));
    expect(result.diffStat).toEqual({ files: 1, insertions: 3, deletions: 0 });
  });

  it(
    'runs the check after the final commit and records it, without committing its output',
    { timeout: 60_000 },
    async () => {
      const { model, fixture, worktree, agent } = await setup(
        (w) => [write(join(w, 'hello.txt'), 'hello\n'), { kind: 'text', text: 'Done.' }],
        { check: 'test -f hello.txt && echo checked | tee check-output.txt && echo oops >&2 && exit 4' },
      );
      const worker = startWorker(fixture, model);

      expect(await worker.exited, worker.output()).toBe(0);
      const result = await readResult(agent.result);
      // A failing check leaves the agent's own outcome alone.
      expect(result.status).toBe('succeeded');
      expect(result.check).toMatchObject({ status: 'failed', exitCode: 4 });
      expect(result.check?.message).toBeUndefined();
      // stdout and stderr both, in whichever order they arrived.
      expect(result.check?.output).toContain('checked\n');
      expect(result.check?.output).toContain('oops\n');
      expect(result.check?.output.length).toBe('checked\noops\n'.length);
      // The work is committed before the check; what the check wrote is left in the worktree, uncommitted.
      expect(result.commit).toBe(await fixture.git(0, 'rev-parse', 'agent-0'));
      expect(await fixture.git(0, 'ls-tree', '--name-only', 'agent-0')).toBe('hello.txt');
      expect(existsSync(join(worktree, 'check-output.txt'))).toBe(true);
      expect(await fixture.git(0, 'status', '--porcelain')).toBe('?? check-output.txt');
      expect(worker.output()).toContain('"msg":"check finished"');
    },
  );

  it(
    'shows the check as the activity, and stops it with an error on cancel',
    { timeout: 60_000 },
    async () => {
      const { model, fixture, worktree, agent } = await setup(
        (w) => [write(join(w, 'hello.txt'), 'hello\n'), { kind: 'text', text: 'Done.' }],
        { check: 'echo waiting; sleep 60' },
      );
      const worker = startWorker(fixture, model);
      const activity = async () =>
        stateFileSchema.parse(JSON.parse(await readFile(agent.state, 'utf8').catch(() => '{}'))).activity;
      await expect
        .poll(() => activity().catch(() => null), { timeout: 30_000 })
        .toBe('Check: echo waiting; sleep 60');

      await writeFile(fixture.paths.cancel, JSON.stringify({ requestedAt: new Date().toISOString() }));
      expect(await worker.exited, worker.output()).toBe(0);
      const result = await readResult(agent.result);
      expect(result.status).toBe('succeeded');
      expect(result.check).toMatchObject({
        status: 'error',
        exitCode: null,
        message: 'cancelled',
        output: 'waiting\n',
      });
      expect(findProcessesIn(worktree)).toEqual([]);
    },
  );

  it('records a model error with what the service said', { timeout: 60_000 }, async () => {
    const { model, fixture, agent } = await setup(() => [
      { kind: 'error', status: 400, message: 'scripted refusal: this request is not allowed' },
    ]);
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(0);
    const result = await readResult(agent.result);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'model_error', status: 400 });
    expect(result.error?.message).toContain('scripted refusal: this request is not allowed');
    expect(result.commit).toBe(fixture.baseCommit);
    expect(result.diffStat).toEqual({ files: 0, insertions: 0, deletions: 0 });
    expect((await transcript(agent.transcript)).at(-1)).toMatchObject({ type: 'result', is_error: true });
  });

  it('records the turn limit, and commits what was written before it', { timeout: 60_000 }, async () => {
    const { model, fixture, agent } = await setup(
      (w) => [
        write(join(w, 'one.txt'), '1\n'),
        write(join(w, 'two.txt'), '2\n'),
        { kind: 'text', text: 'Done.' },
      ],
      { maxTurns: 1 },
    );
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(0);
    const result = await readResult(agent.result);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'max_turns' } });
    expect(await fixture.git(0, 'show', 'agent-0:one.txt')).toBe('1');
    expect(await fixture.git(0, 'log', '-1', '--format=%s', 'agent-0')).toBe(
      'fanout: save uncommitted work after the agent finished',
    );
  });

  it(
    'stops at its share of the run’s budget, and commits what was written before it',
    { timeout: 60_000 },
    async () => {
      // Each scripted turn costs about $0.0006; two agents share $0.002, so this one may spend $0.001.
      const { model, fixture, agent } = await setup(
        (w) => [
          write(join(w, 'one.txt'), '1\n'),
          write(join(w, 'two.txt'), '2\n'),
          write(join(w, 'three.txt'), '3\n'),
          write(join(w, 'four.txt'), '4\n'),
          { kind: 'text', text: 'Done.' },
        ],
        { budgetUsd: 0.002, agents: 2 },
      );
      const worker = startWorker(fixture, model);

      expect(await worker.exited, worker.output()).toBe(0);
      const result = await readResult(agent.result);
      expect(result).toMatchObject({ status: 'failed', error: { code: 'budget' } });
      expect(result.costUsd).toBeGreaterThan(0.001);
      expect(result.costUsd).toBeLessThan(0.002);
      expect(await fixture.git(0, 'show', 'agent-0:one.txt')).toBe('1');
      expect(await fixture.git(0, 'ls-tree', '--name-only', 'agent-0')).not.toContain('four.txt');
      expect(await fixture.git(0, 'log', '-1', '--format=%s', 'agent-0')).toBe(
        'fanout: save uncommitted work after the agent finished',
      );
    },
  );

  it(
    'stops on SIGTERM, ends what runs in the worktree and commits the work',
    { timeout: 60_000 },
    async () => {
      const { model, fixture, worktree, agent } = await setup((w) => [
        write(join(w, 'draft.txt'), 'draft\n'),
        // A background command that keeps writing into the worktree until it is killed.
        bash(`node -e "setInterval(() => require('fs').appendFileSync('ticks.txt', 'x'), 50)"`, {
          run_in_background: true,
        }),
        { kind: 'hang', ms: 120_000 },
      ]);
      const worker = startWorker(fixture, model);
      await expect.poll(() => waitingOnStep(model, 2), { timeout: 30_000 }).toBe(true);
      await expect.poll(() => existsSync(join(worktree, 'ticks.txt')), { timeout: 10_000 }).toBe(true);

      const stoppedAt = Date.now();
      worker.child.kill('SIGTERM');
      expect(await worker.exited, worker.output()).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(15_000);

      const result = await readResult(agent.result);
      expect(result.status).toBe('cancelled');
      expect(result.error?.code).toBe('cancelled');
      expect(await fixture.git(0, 'log', '-1', '--format=%an|%s', 'agent-0')).toBe(
        'fanout|fanout: save uncommitted work after cancel',
      );
      expect(await fixture.git(0, 'show', 'agent-0:draft.txt')).toBe('draft');
      // Nothing runs in the worktree any more, and nothing changed it after the commit.
      expect(findProcessesIn(worktree)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await fixture.git(0, 'status', '--porcelain')).toBe('');
    },
  );

  it('stops when cancel.json appears, and runs no check', { timeout: 60_000 }, async () => {
    const { model, fixture, worktree, agent } = await setup(
      (w) => [write(join(w, 'draft.txt'), 'draft\n'), { kind: 'hang', ms: 120_000 }],
      { check: 'touch checked.txt' },
    );
    const worker = startWorker(fixture, model);
    await expect.poll(() => waitingOnStep(model, 1), { timeout: 30_000 }).toBe(true);

    await writeFile(fixture.paths.cancel, JSON.stringify({ requestedAt: new Date().toISOString() }));
    expect(await worker.exited, worker.output()).toBe(0);
    const result = await readResult(agent.result);
    expect(result).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    expect(await fixture.git(0, 'show', 'agent-0:draft.txt')).toBe('draft');
    expect(result.check).toBeUndefined();
    expect(existsSync(join(worktree, 'checked.txt'))).toBe(false);
  });

  it('fails with timeout when its own deadline passes', { timeout: 60_000 }, async () => {
    const { model, fixture, agent } = await setup(
      (w) => [write(join(w, 'draft.txt'), 'draft\n'), { kind: 'hang', ms: 120_000 }],
      { timeoutSeconds: 12 },
    );
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(0);
    const result = await readResult(agent.result);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    expect(await fixture.git(0, 'log', '-1', '--format=%s', 'agent-0')).toBe(
      'fanout: save uncommitted work after the timeout',
    );
    expect(await fixture.git(0, 'show', 'agent-0:draft.txt')).toBe('draft');
  });

  it('records a crash when Claude Code is killed, and keeps its work', { timeout: 60_000 }, async () => {
    const { model, fixture, agent } = await setup((w) => [
      write(join(w, 'draft.txt'), 'draft\n'),
      { kind: 'hang', ms: 120_000 },
    ]);
    const worker = startWorker(fixture, model);
    await expect.poll(() => waitingOnStep(model, 1), { timeout: 30_000 }).toBe(true);

    const claude = await claudeChildOf(worker.child.pid ?? -1);
    expect(claude).not.toBeNull();
    process.kill(claude ?? -1, 'SIGKILL');
    expect(await worker.exited, worker.output()).toBe(0);

    const result = await readResult(agent.result);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('agent_crashed');
    expect(result.error?.message).toContain('SIGKILL');
    expect(result.numTurns).toBeGreaterThanOrEqual(1);
    expect(await fixture.git(0, 'log', '-1', '--format=%an|%s', 'agent-0')).toBe(
      'fanout|fanout: save uncommitted work after the agent crashed',
    );
    expect(await fixture.git(0, 'show', 'agent-0:draft.txt')).toBe('draft');
  });

  it(
    'records cancelled without starting Claude Code when the run was cancelled first',
    { timeout: 30_000 },
    async () => {
      const { model, fixture, agent } = await setup(() => []);
      await writeFile(fixture.paths.cancel, JSON.stringify({ requestedAt: new Date().toISOString() }));
      const worker = startWorker(fixture, model);

      expect(await worker.exited, worker.output()).toBe(0);
      expect(await readResult(agent.result)).toMatchObject({
        status: 'cancelled',
        commit: fixture.baseCommit,
      });
      expect(model.requests).toEqual([]);
    },
  );

  it('leaves an outcome that is already recorded alone', { timeout: 30_000 }, async () => {
    const { model, fixture, agent } = await setup(() => []);
    const earlier = JSON.stringify({ status: 'failed', writtenBy: 'orchestrator' });
    await mkdir(agent.dir, { recursive: true });
    await writeFile(agent.result, earlier);
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(0);
    expect(await readFile(agent.result, 'utf8')).toBe(earlier);
    expect(existsSync(agent.state)).toBe(false);
    expect(model.requests).toEqual([]);
  });

  it('records setup_failed when the worktree is missing', { timeout: 30_000 }, async () => {
    const { model, fixture, worktree, agent } = await setup(() => []);
    await rm(worktree, { recursive: true, force: true });
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(1);
    const result = await readResult(agent.result);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'setup_failed' }, writtenBy: 'worker' });
    expect(result.error?.message).toContain('does not exist');
    expect(model.requests).toEqual([]);
  });

  it('exits 2 with one line when its environment is incomplete', { timeout: 30_000 }, async () => {
    const { model, fixture } = await setup(() => []);
    const worker = startWorker(fixture, model, { FANOUT_AGENT_INDEX: 'x' });
    expect(await worker.exited).toBe(2);
    expect(worker.output()).toMatch(/^fanout-worker: FANOUT_AGENT_INDEX: [^\n]+\n$/);
  });
});

describe("fanout-worker with the run's setup", () => {
  const activity = async (path: string) =>
    stateFileSchema.parse(JSON.parse(await readFile(path, 'utf8').catch(() => '{}'))).activity;

  it(
    'runs the setup in the worktree before the agent, and never commits what it created',
    { timeout: 60_000 },
    async () => {
      const { model, fixture, worktree, agent } = await setup(
        (w) => [
          bash('cat ready.txt'),
          write(join(w, 'hello.txt'), 'hello\n'),
          bash('git add -A && git commit -m "Add hello"'),
          write(join(w, 'notes.md'), 'notes\n'),
          { kind: 'text', text: 'Done.' },
        ],
        {
          setup:
            'mkdir -p build/deep && echo x > build/deep/out.txt && echo "setup-token-$CI" > ready.txt && echo "setup says hi"',
        },
      );
      const worker = startWorker(fixture, model);

      expect(await worker.exited, worker.output()).toBe(0);
      const result = await readResult(agent.result);
      expect(result).toMatchObject({ status: 'succeeded', numTurns: 5 });
      expect(result.error).toBeUndefined();
      // The agent ran after the setup: its first command read the file the setup wrote.
      expect(await readFile(agent.transcript, 'utf8')).toContain('setup-token-true');
      // Neither the agent's `git add -A` nor fanout's safety-net commit took what the setup created.
      expect((await fixture.git(0, 'ls-tree', '-r', '--name-only', 'agent-0')).split('\n')).toEqual([
        'hello.txt',
        'notes.md',
      ]);
      expect(await fixture.git(0, 'log', '-1', '--format=%s', 'agent-0')).toBe(
        'fanout: save uncommitted work after the agent finished',
      );
      expect(existsSync(join(worktree, 'build', 'deep', 'out.txt'))).toBe(true);
      expect(await fixture.git(0, 'status', '--porcelain', '--untracked-files=all')).toBe('');
      const exclude = await readFile(join(fixture.paths.repo, '.git', 'info', 'exclude'), 'utf8');
      expect(exclude).toContain('# fanout: setup of agent-0\n/build/\n/ready.txt\n');
      expect(await readFile(agent.setupLog, 'utf8')).toBe('setup says hi\n');
    },
  );

  it(
    'fails with setup_failed when the setup exits non-zero, and never starts the agent',
    { timeout: 60_000 },
    async () => {
      const { model, fixture, worktree, agent } = await setup(
        (w) => [write(join(w, 'hello.txt'), 'hello\n'), { kind: 'text', text: 'Done.' }],
        {
          setup:
            'echo partial > partial.txt; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i"; done; exit 2',
          check: 'echo checked > checked.txt',
        },
      );
      const worker = startWorker(fixture, model);

      expect(await worker.exited, worker.output()).toBe(0);
      const result = await readResult(agent.result);
      expect(result).toMatchObject({ status: 'failed', numTurns: 0, costUsd: null });
      // The last lines of its output, in the message.
      const tail = Array.from({ length: 10 }, (_, i) => `line ${i + 3}`).join('\n');
      expect(result.error).toEqual({ code: 'setup_failed', message: `setup exited with 2: ${tail}` });
      expect(await readFile(agent.setupLog, 'utf8')).toContain('line 1\n');
      // The model was never asked anything, no check ran, and nothing was committed.
      expect(model.requests).toEqual([]);
      expect(existsSync(agent.transcript)).toBe(false);
      expect(result.check).toBeUndefined();
      expect(existsSync(join(worktree, 'checked.txt'))).toBe(false);
      expect(result.commit).toBe(fixture.baseCommit);
      expect(await fixture.git(0, 'rev-parse', 'agent-0')).toBe(fixture.baseCommit);
      expect(await fixture.git(0, 'status', '--porcelain')).toBe('?? partial.txt');
    },
  );

  it(
    'shows the setup as the activity, and a cancel during it cancels the agent',
    { timeout: 60_000 },
    async () => {
      const { model, fixture, worktree, agent } = await setup(
        (w) => [write(join(w, 'hello.txt'), 'hello\n'), { kind: 'text', text: 'Done.' }],
        { setup: 'echo waiting > half-done.txt; sleep 60' },
      );
      const worker = startWorker(fixture, model);
      await expect
        .poll(() => activity(agent.state).catch(() => null), { timeout: 30_000 })
        .toBe('Setup: echo waiting > half-done.txt; sleep 60');
      expect(stateFileSchema.parse(JSON.parse(await readFile(agent.state, 'utf8'))).settingUp).toBe(true);

      await writeFile(fixture.paths.cancel, JSON.stringify({ requestedAt: new Date().toISOString() }));
      expect(await worker.exited, worker.output()).toBe(0);
      const result = await readResult(agent.result);
      expect(result.status).toBe('cancelled');
      expect(result.error?.code).toBe('cancelled');
      expect(model.requests).toEqual([]);
      expect(findProcessesIn(worktree)).toEqual([]);
      // What the setup had done so far is not committed.
      expect(result.commit).toBe(fixture.baseCommit);
      expect(await fixture.git(0, 'status', '--porcelain')).toBe('?? half-done.txt');
    },
  );

  it("counts the setup within the agent's time limit", { timeout: 60_000 }, async () => {
    const { model, fixture, agent } = await setup(
      (w) => [write(join(w, 'hello.txt'), 'hello\n'), { kind: 'text', text: 'Done.' }],
      { setup: 'echo slow; sleep 60', timeoutSeconds: 2 },
    );
    const worker = startWorker(fixture, model);

    expect(await worker.exited, worker.output()).toBe(0);
    const result = await readResult(agent.result);
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({
      code: 'setup_failed',
      message: "setup did not finish within the agent's time limit of 2 s: slow",
    });
    expect(model.requests).toEqual([]);
  });
});

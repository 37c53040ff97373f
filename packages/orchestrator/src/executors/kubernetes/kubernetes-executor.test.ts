import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resultFileSchema, runPathsAt, type ResultFile, type RunFile } from '@fanout/shared';
import { startFakeKube, type FakeKube, type PolicyRule } from '@fanout/test-utils';
import { git } from '../../git/git.js';
import { createRun } from '../../runs/create-run.js';
import { createKubernetesExecutor, type KubernetesExecutor } from './index.js';
import { DEFAULT_JOB_SETTINGS, type JobSettings } from './job-manifest.js';
import type { ExecutorLogger } from './kube-api.js';
import { k8sDir, readYamlDocuments } from './kustomize-build.js';

/**
 * The kubernetes executor against the simulated API server and node (packages/test-utils fake-kube):
 * real Jobs through @kubernetes/client-node, pods run as local processes (a stub worker that writes the
 * worker's files), real git repositories, and the orchestrator's Role from k8s/base enforced on every call.
 */
const NAMESPACE = 'backend';
const STUB = join(import.meta.dirname, 'stub-worker.test-fixture.mjs');

let storage: string;
let kube: FakeKube;
let executors: KubernetesExecutor[];
let logs: { level: string; obj: Record<string, unknown>; msg: string }[];

async function orchestratorRules(): Promise<PolicyRule[]> {
  const docs = (await readYamlDocuments(join(k8sDir(import.meta.filename), 'base', 'rbac.yaml'))) as {
    kind: string;
    rules?: PolicyRule[];
  }[];
  return docs.find((d) => d.kind === 'Role')?.rules ?? [];
}

const logger: ExecutorLogger = {
  info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
  warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
};

function settings(behaviour: Record<number, string> = {}, extra: Partial<JobSettings> = {}): JobSettings {
  return {
    ...DEFAULT_JOB_SETTINGS,
    namespace: NAMESPACE,
    workerImage: 'fanout-worker:test',
    storageRoot: storage,
    workerEnv: {
      STUB_BEHAVIOUR: JSON.stringify(behaviour),
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/gateway',
    },
    terminationGracePeriodSeconds: 5,
    deadlineMarginSeconds: 0,
    ...extra,
  };
}

function startExecutor(jobSettings: JobSettings, unschedulableMs = 400): KubernetesExecutor {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(kube.kubeConfig);
  const executor = createKubernetesExecutor({
    kubeConfig,
    settings: jobSettings,
    logger,
    timing: {
      resyncMs: 300,
      settleMs: 100,
      limits: { unschedulableMs, startupErrorMs: 300 },
      watchBackoff: { minMs: 50, maxMs: 200 },
    },
  });
  executors.push(executor);
  return executor;
}

async function newRun(agents: number, timeoutSeconds = 600): Promise<RunFile> {
  return createRun(
    { prompt: 'test', agents, timeoutSeconds },
    { storage, defaultModel: null, defaultTimeoutSeconds: 600, now: () => new Date() },
  );
}

function result(run: RunFile, index: number): ResultFile | null {
  const path = runPathsAt(run.runDir).agent(index).result;
  return existsSync(path) ? resultFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) : null;
}

async function results(run: RunFile, ms = 15_000): Promise<ResultFile[]> {
  return waitFor(
    () => {
      const all = Array.from({ length: run.agents }, (_, i) => result(run, i));
      return all.every((r) => r !== null) ? (all as ResultFile[]) : null;
    },
    `results of run ${run.id}`,
    ms,
  );
}

async function waitFor<T>(probe: () => T | null | undefined | false, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;

  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'fanout-k8s-'));
  logs = [];
  executors = [];
  kube = await startFakeKube({
    commands: { 'fanout-worker': [process.execPath, STUB] },
    claims: { 'fanout-runs': storage },
    imageEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    unpullable: { 'fanout-worker:missing': 'manifest for fanout-worker:missing not found: manifest unknown' },
    rules: await orchestratorRules(),
    timeScale: 0.02,
  });
  kube.addSecret(NAMESPACE, 'fanout-anthropic', { ANTHROPIC_API_KEY: 'sk-ant-test-key' });
});

afterEach(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await kube.close();
  // The executor never needed anything its Role does not grant, and the simulation had no fault.
  expect(kube.api.calls.filter((c) => c.status === 403)).toEqual([]);
  expect(kube.node.errors).toEqual([]);
  expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  await rm(storage, { recursive: true, force: true });
});

describe('kubernetes executor', () => {
  it('runs one Job per agent to real commits on real branches, with the contract env', async () => {
    const executor = startExecutor(settings());
    const run = await newRun(2);
    await executor.launch(run);
    await executor.launch(run); // idempotent

    const done = await results(run);
    expect(done.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    const repo = runPathsAt(run.runDir).repo;
    for (const i of [0, 1]) {
      const files = await git(repo, ['show', '--name-only', '--format=%an', `agent-${i}`]);
      expect(files).toContain(`agent-${i}`);
      expect(files).toContain(`agent-${i}.txt`);
    }
    const jobs = kube.jobs(NAMESPACE);
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual([
      `run-${run.id}-agent-0`,
      `run-${run.id}-agent-1`,
    ]);
    expect(kube.api.calls.filter((c) => c.verb === 'create' && c.status === 201)).toHaveLength(2);

    const paths = runPathsAt(run.runDir);
    const launch = JSON.parse(readFileSync(paths.agent(0).launch, 'utf8')) as Record<string, unknown>;
    expect(launch).toMatchObject({ executor: 'kubernetes', job: `run-${run.id}-agent-0` });
    const env = JSON.parse(readFileSync(join(paths.agent(1).dir, 'stub-env.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(env).toMatchObject({
      worktree: paths.worktree(1),
      branch: 'agent-1',
      runDir: run.runDir,
      runId: run.id,
      index: '1',
      apiKeyPresent: true,
      baseUrl: 'http://127.0.0.1:9/gateway',
      safeDirectories: [paths.repo, paths.worktree(1)],
    });
    // HOME and /tmp are emptyDirs: the node gave them folders of their own.
    expect(env.home).toMatch(/fake-kube-emptydir-/);
    // The log file appears before the pod's output is copied into it: wait for the line itself.
    const log = () => (existsSync(paths.agent(0).log) ? readFileSync(paths.agent(0).log, 'utf8') : '');
    await waitFor(() => /stub worker 0: .*\n/.test(log()), 'the stub worker line in the log');
    expect(log()).toContain('stub worker 0: succeed');
  });

  it('records a worker that exited without a result, and commits what it left', async () => {
    const executor = startExecutor(settings({ 0: 'crash' }));
    const run = await newRun(1);
    await executor.launch(run);
    const [r] = await results(run);
    expect(r).toMatchObject({
      status: 'failed',
      writtenBy: 'orchestrator',
      error: {
        code: 'worker_lost',
        message: 'the worker exited with code 1 (Error) before it recorded a result',
      },
      usage: { inputTokens: 10 },
    });
    const log = await git(runPathsAt(run.runDir).repo, ['log', '-1', '--format=%an %s', 'agent-0']);
    expect(log.trim()).toBe('fanout fanout: save uncommitted work after the worker was lost');
    expect(r?.commit).toBe((await git(runPathsAt(run.runDir).repo, ['rev-parse', 'agent-0'])).trim());
  });

  it('records an OOM kill in plain words', async () => {
    const executor = startExecutor(settings({ 0: 'hang' }));
    const run = await newRun(1);
    await executor.launch(run);
    const pod = await waitFor(
      () => kube.pods(NAMESPACE).find((p) => p.status.phase === 'Running'),
      'a running pod',
    );
    await waitFor(
      () => existsSync(join(runPathsAt(run.runDir).agent(0).dir, 'state.json')),
      'the worker to start',
    );
    kube.node.oomKill(NAMESPACE, pod.metadata.name);
    const [r] = await results(run);
    expect(r?.error).toEqual({
      code: 'worker_lost',
      message: 'the worker ran out of memory and was killed (OOMKilled, memory limit 4Gi)',
    });
  });

  it('fails agents whose image cannot be pulled or whose pod finds no node, and removes their Jobs', async () => {
    const pull = startExecutor(settings({}, { workerImage: 'fanout-worker:missing' }));
    const run = await newRun(1);
    await pull.launch(run);
    const [r] = await results(run);
    expect(r).toMatchObject({ status: 'failed', error: { code: 'setup_failed' } });
    // Timestamps have second precision: the pull may be judged at its first error or in back-off.
    expect(r?.error?.message).toMatch(
      /^the worker image fanout-worker:missing could not be pulled \((ErrImagePull|ImagePullBackOff)\): \S/,
    );
    await waitFor(() => kube.jobs(NAMESPACE).length === 0, 'the Job to be deleted');

    kube.node.setSchedulable(false, '0/1 nodes are available: 1 Insufficient cpu.');
    const other = await newRun(1);
    await pull.launch(other);
    const [s] = await results(other);
    expect(s?.error?.code).toBe('setup_failed');
    expect(s?.error?.message).toMatch(
      /^the cluster found no node for the worker's pod for \d+ s: 0\/1 nodes are available: 1 Insufficient cpu\.$/,
    );
    const deletes = kube.api.calls.filter((c) => c.verb === 'delete');
    expect(deletes.every((c) => c.query.propagationPolicy === 'Background')).toBe(true);
    kube.node.setSchedulable(true);
  });

  it('fails an agent whose Secret is missing, naming it', async () => {
    const executor = startExecutor(settings({}, { apiKeySecret: 'no-such-secret' }));
    const run = await newRun(1);
    await executor.launch(run);
    const [r] = await results(run);
    expect(r?.error).toEqual({
      code: 'setup_failed',
      message:
        'the worker\'s container could not be started (CreateContainerConfigError): secret "no-such-secret" not found',
    });
  });

  it('records a timeout when the Job deadline stops a worker that records nothing', async () => {
    const executor = startExecutor(settings({ 0: 'silent' }));
    const run = await newRun(1, 150); // activeDeadlineSeconds 150, at 1/50 of the time
    await executor.launch(run);
    const [r] = await results(run);
    expect(r).toMatchObject({
      status: 'failed',
      error: { code: 'timeout', message: expect.stringMatching(/^the run's time limit of 150 s ran out/) },
    });
    const log = await git(runPathsAt(run.runDir).repo, ['log', '-1', '--format=%s', 'agent-0']);
    expect(log.trim()).toBe('fanout: save uncommitted work after the timeout');
  });

  it('cancels by deleting the Jobs in the background; workers commit; unstarted agents are cancelled', async () => {
    const executor = startExecutor(settings({ 0: 'hang', 1: 'hang' }), 60_000);
    const run = await newRun(2);
    await executor.launch(run);
    await waitFor(
      () => [0, 1].every((i) => existsSync(join(runPathsAt(run.runDir).agent(i).dir, 'state.json'))),
      'both workers to start',
    );
    await writeFile(runPathsAt(run.runDir).cancel, JSON.stringify({ requestedAt: new Date().toISOString() }));
    await executor.cancel(run);
    const done = await results(run);
    expect(done.map((r) => [r.status, r.writtenBy])).toEqual([
      ['cancelled', 'worker'],
      ['cancelled', 'worker'],
    ]);
    const deletes = kube.api.calls.filter((c) => c.verb === 'delete' && c.resource === 'jobs');
    expect(deletes).toHaveLength(2);
    for (const call of deletes) expect(call.query.propagationPolicy).toBe('Background');
    await waitFor(() => kube.pods(NAMESPACE).length === 0, 'the pods to go');

    // A run cancelled before its pods could start: the executor records the cancel.
    kube.node.setSchedulable(false);
    const stuck = await newRun(1);
    await executor.launch(stuck);
    await waitFor(() => kube.pods(NAMESPACE).length === 1, 'the pending pod');
    await writeFile(
      runPathsAt(stuck.runDir).cancel,
      JSON.stringify({ requestedAt: new Date().toISOString() }),
    );
    await executor.cancel(stuck);
    const [c] = await results(stuck);
    expect(c).toMatchObject({ status: 'cancelled', writtenBy: 'orchestrator', error: { code: 'cancelled' } });
    kube.node.setSchedulable(true);
  });

  it('finishes a cancel whose replica died before it deleted the Jobs', async () => {
    const executor = startExecutor(settings({ 0: 'hang' }));
    const run = await newRun(1);
    await executor.launch(run);
    await waitFor(() => existsSync(join(runPathsAt(run.runDir).agent(0).dir, 'state.json')), 'the worker');
    // Only the cancel request reached the disk; no replica called cancel().
    await writeFile(runPathsAt(run.runDir).cancel, JSON.stringify({ requestedAt: new Date().toISOString() }));
    const [r] = await results(run);
    expect(r).toMatchObject({ status: 'cancelled', writtenBy: 'worker' });
    expect(kube.api.calls.filter((c) => c.verb === 'delete')[0]?.query.propagationPolicy).toBe('Background');
  });

  it('keeps watching through expired and dropped watches and failing API calls', async () => {
    const executor = startExecutor(settings({ 0: 'hang' }));
    const run = await newRun(1);
    await executor.launch(run);
    await waitFor(() => kube.api.openWatches === 2, 'both watches');
    const lists = () => kube.api.calls.filter((c) => c.verb === 'list').length;
    const before = lists();

    kube.api.expireWatches(); // 410 Gone: the informers relist by themselves
    await waitFor(() => kube.api.openWatches === 2 && lists() >= before + 2, 'a relist after 410');

    const failures = (verb: string) =>
      kube.api.calls.filter((c) => c.verb === verb && c.status >= 500).length;
    kube.api.failNext({ watch: true, status: 500, times: 3 });
    kube.api.dropWatches(); // a reset connection, then 5xx: started again with backoff
    await waitFor(() => failures('watch') === 3 && kube.api.openWatches === 2, 'the watches to come back');

    kube.api.failNext({ method: 'GET', path: /\/pods$/, watch: false, status: 503, times: 2 });
    kube.api.expireWatches(); // 410, then the relist fails twice
    await waitFor(() => failures('list') === 2 && kube.api.openWatches === 2, 'the relist to succeed');

    expect(
      logs.filter((l) => l.msg === 'watch of the cluster failed; starting it again').length,
    ).toBeGreaterThanOrEqual(5);

    // Events still arrive: the worker is OOM-killed now and the executor notices.
    const pod = kube.pods(NAMESPACE)[0];
    kube.node.oomKill(NAMESPACE, pod?.metadata.name ?? '');
    const [r] = await results(run);
    expect(r?.error?.code).toBe('worker_lost');
    expect(await executor.ready()).toBe(true);
  });
});

describe('two replicas', () => {
  it('launch the same run once, and either one finishes what the other started', async () => {
    const a = startExecutor(settings({ 0: 'hang', 1: 'crash' }));
    const b = startExecutor(settings({ 0: 'hang', 1: 'crash' }));
    const run = await newRun(2);
    await Promise.all([a.launch(run), b.launch(run)]);
    expect(kube.jobs(NAMESPACE)).toHaveLength(2);
    const creates = kube.api.calls.filter((c) => c.verb === 'create');
    expect(creates.filter((c) => c.status === 201)).toHaveLength(2);
    expect(creates.filter((c) => c.status === 409)).toHaveLength(2);

    // Replica a dies; b (which never launched anything itself) finishes the crashed agent…
    await a.close();
    const r1 = await waitFor(() => result(run, 1), 'agent 1');
    expect(r1.error?.code).toBe('worker_lost');
    // …and cancels the run.
    await writeFile(runPathsAt(run.runDir).cancel, JSON.stringify({ requestedAt: new Date().toISOString() }));
    await b.cancel(run);
    const done = await results(run);
    expect(done[0]).toMatchObject({ status: 'cancelled', writtenBy: 'worker' });
  });

  it('a replica started later adopts runs from disk and launches what was never launched', async () => {
    const run = await newRun(1);
    // The replica that created the run died before launching it; a new one finds it in its sweep.
    const late = startExecutor(settings());
    const [r] = await results(run);
    expect(r?.status).toBe('succeeded');
    expect(kube.jobs(NAMESPACE)).toHaveLength(1);
    await late.adopt(run);
    expect(kube.jobs(NAMESPACE)).toHaveLength(1);
  });
});

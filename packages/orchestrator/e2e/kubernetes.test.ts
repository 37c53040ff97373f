import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaths, type Run } from '@fanout/shared';
import {
  REPO_ROOT,
  TEST_MODEL,
  api,
  claudeEnvFor,
  scriptByAgent,
  startFakeKube,
  startOrchestratorProcess,
  startScriptedModel,
  steps,
  waitForRun,
  type FakeKube,
  type OrchestratorProcess,
  type PolicyRule,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';
import { readYamlDocuments } from '../src/executors/kubernetes/kustomize-build.js';
import { localWorkerCommand } from '../src/server.js';
import { changedFiles, gitIn } from './git-inspect.js';

/**
 * fanout in Kubernetes mode, end to end, with no cluster: two orchestrator replicas (the real bin) with
 * the kubernetes executor share one run directory and one simulated API server, whose node runs each
 * Job's container command (the real fanout-worker, driving the real Claude Code against the scripted
 * model) as a local process with the Job's environment and volumes.
 */
const NAMESPACE = 'backend';

const { write, pause } = steps;
const commitAll = steps.commit;

const scripts: Record<string, Record<number, Step[]>> = {
  files: Object.fromEntries(
    [0, 1].map((i) => [
      i,
      [
        write(`k8s-${i}.txt`, `agent ${i} in a pod\n`),
        commitAll(`add k8s-${i}`),
        { kind: 'text', text: 'done' },
      ],
    ]),
  ),
  slow: Object.fromEntries(
    [0, 1].map((i) => [
      i,
      [
        pause(4000),
        write(`slow-${i}.txt`, 'slow\n'),
        commitAll(`add slow-${i}`),
        { kind: 'text', text: 'ok' },
      ],
    ]),
  ),
  endless: Object.fromEntries(
    [0, 1].map((i) => [
      i,
      [write(`partial-${i}.txt`, 'partial\n'), pause(120_000), { kind: 'text', text: 'never' }],
    ]),
  ),
};

let model: ScriptedModel;
let kube: FakeKube;
let storage: string;
let workdir: string;
const replicas: Replica[] = [];

type Replica = OrchestratorProcess;

/** One orchestrator replica: the real bin with the kubernetes executor, as the Deployment runs it. */
async function startReplica(): Promise<Replica> {
  const claude = claudeEnvFor(model);
  const replica = await startOrchestratorProcess({
    storage,
    inheritEnv: false,
    env: {
      HOME: workdir,
      FANOUT_EXECUTOR: 'kubernetes',
      FANOUT_NAMESPACE: NAMESPACE,
      FANOUT_WORKER_IMAGE: 'fanout-worker:e2e',
      FANOUT_WEB_ROOT: '',
      KUBECONFIG: join(workdir, 'kubeconfig.json'),
      // Passed on to the workers' Jobs (the key itself comes from the Secret).
      ANTHROPIC_BASE_URL: model.url,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
      ANTHROPIC_API_KEY: claude.ANTHROPIC_API_KEY ?? '',
    },
  });
  replicas.push(replica);
  return replica;
}

function kill(replica: Replica, signal: NodeJS.Signals): Promise<void> {
  return replica.stop(signal);
}

async function createRun(base: string, prompt: string, agents: number): Promise<Run> {
  const response = await api<Run>(base, 'POST', '/api/runs', { prompt, agents, model: TEST_MODEL });
  expect(response.status, response.text).toBe(201);
  return response.json;
}

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'fanout-k8s-e2e-'));
  storage = join(workdir, 'runs');
  model = await startScriptedModel({
    script: (ctx) => {
      const prompt = JSON.stringify(ctx.request);
      const key = Object.keys(scripts).find((k) => prompt.includes(`[${k}]`));
      return scriptByAgent(key ? (scripts[key] ?? {}) : {})(ctx);
    },
  });
  const claude = claudeEnvFor(model);
  const rbac = (await readYamlDocuments(join(REPO_ROOT, 'k8s', 'base', 'rbac.yaml'))) as {
    kind: string;
    rules?: PolicyRule[];
  }[];
  kube = await startFakeKube({
    // The orchestrator's Role from k8s/base, enforced on every call.
    rules: rbac.find((d) => d.kind === 'Role')?.rules ?? [],
    // The image's `fanout-worker`: the bundled worker with the local executor's V8 flags.
    commands: { 'fanout-worker': localWorkerCommand() },
    claims: { 'fanout-runs': storage },
    // What the worker image's own ENV holds; as root, Claude Code also needs IS_SANDBOX.
    imageEnv: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      IS_SANDBOX: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
  });
  kube.addSecret(NAMESPACE, 'fanout-anthropic', { ANTHROPIC_API_KEY: claude.ANTHROPIC_API_KEY ?? '' });
  await writeFile(join(workdir, 'kubeconfig.json'), JSON.stringify(kubeConfigFile(kube.url)));
});

afterAll(async () => {
  for (const replica of replicas) await kill(replica, 'SIGTERM');
  expect(kube?.api.calls.filter((c) => c.status === 403) ?? []).toEqual([]);
  await kube?.close();
  await model?.close();
  await rm(workdir, { recursive: true, force: true });
});

/** A kubeconfig file (JSON is YAML) for the simulated API server. */
function kubeConfigFile(server: string) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fanout', user: { token: 'fake-token' } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fanout', namespace: NAMESPACE } }],
    'current-context': 'fake',
  };
}

describe('Kubernetes mode with two orchestrator replicas', () => {
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    [a, b] = await Promise.all([startReplica(), startReplica()]);
  });

  it('runs a run created on one replica to real commits, seen on the other', async () => {
    const created = await createRun(a.url, '[files] each agent writes a file', 2);
    expect((await api<Run>(b.url, 'GET', `/api/runs/${created.id}`)).status).toBe(200);
    const run = await waitForRun(b.url, created.id);
    expect(run.status).toBe('succeeded');

    const repo = runPaths(storage, run.id).repo;
    for (const i of [0, 1]) {
      expect(changedFiles(repo, `main..agent-${i}`)).toEqual([`k8s-${i}.txt`]);
      expect(gitIn(repo, 'log', '-1', '--format=%an|%s', `agent-${i}`).trim()).toBe(
        `agent-${i}|add k8s-${i}`,
      );
      expect(run.agents[i]?.commit).toBe(gitIn(repo, 'rev-parse', `agent-${i}`).trim());
      expect(run.agents[i]?.usage.outputTokens).toBeGreaterThan(0);
    }
    const jobs = kube.jobs(NAMESPACE).filter((j) => j.metadata.labels?.['fanout.dev/run'] === run.id);
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual([
      `run-${run.id}-agent-0`,
      `run-${run.id}-agent-1`,
    ]);
    // Each Job was created once: by one replica, or by both with one 409.
    const creates = kube.api.calls.filter((c) => c.verb === 'create' && c.status === 201);
    expect(creates.length).toBeGreaterThanOrEqual(2);
  });

  it('finishes a run whose replica is killed mid-run; the other carries on', async () => {
    const created = await createRun(a.url, '[slow] take a while, then write a file', 2);
    await waitForRun(b.url, created.id, (run) => run.agents.every((agent) => agent.status === 'running'));
    await kill(a, 'SIGKILL');
    // With a dead, the node kills agent 0's worker for memory: b must notice and record it.
    const pod = kube.node.podsOf(NAMESPACE, `run-${created.id}-agent-0`)[0];
    kube.node.oomKill(NAMESPACE, pod?.metadata.name ?? '');
    const run = await waitForRun(b.url, created.id);
    expect(run.status).toBe('partial');
    expect(run.agents[0]).toMatchObject({
      status: 'failed',
      error: {
        code: 'worker_lost',
        message: expect.stringMatching(/^the worker ran out of memory and was killed \(OOMKilled/),
      },
    });
    expect(run.agents[1]?.status).toBe('succeeded');
    const paths = runPaths(storage, run.id);
    expect(changedFiles(paths.repo, 'main..agent-1')).toEqual(['slow-1.txt']);
    a = await startReplica();
    // The worker's log (its container's output) outlives the pod, in the run directory.
    const until = Date.now() + 20_000;
    while (!existsSync(paths.agent(1).log) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(paths.agent(1).log, 'utf8')).toMatch(/\S/);
  });

  it('cancels from the other replica: Jobs deleted in the background, work committed', async () => {
    const created = await createRun(a.url, '[endless] write a file, then work for a long time', 2);
    await waitForRun(b.url, created.id, (run) => run.agents.every((agent) => agent.numTurns >= 2));
    const cancel = await api<Run>(b.url, 'POST', `/api/runs/${created.id}/cancel`);
    expect(cancel.status).toBe(202);
    const run = await waitForRun(a.url, created.id);
    expect(run.status).toBe('cancelled');
    expect(run.agents.map((agent) => agent.status)).toEqual(['cancelled', 'cancelled']);
    const deletes = kube.api.calls.filter((c) => c.verb === 'delete' && c.path.includes(created.id));
    expect(deletes.length).toBeGreaterThanOrEqual(2);
    for (const call of deletes) expect(call.query.propagationPolicy).toBe('Background');
    const repo = runPaths(storage, run.id).repo;
    expect(changedFiles(repo, 'main..agent-0')).toEqual(['partial-0.txt']);
    expect(gitIn(repo, 'log', '-1', '--format=%an', 'agent-0').trim()).toBe('fanout');
  });
});

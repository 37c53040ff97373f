import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube, type Job, type Pod } from './index.js';
import { parseLabelSelector } from './label-selector.js';

const NS = 'backend';
/** A container command that prints an env var, then exits with $CODE (or waits for SIGTERM when CODE=wait). */
const SCRIPT = `
const code = process.env.CODE ?? '0';
console.log('value=' + process.env.VALUE + ' home=' + process.env.HOME);
if (code === 'wait') {
  process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); });
  setInterval(() => {}, 1000);
} else process.exit(Number(code));
`;

let kube: FakeKube;
let claimRoot: string;

function job(name: string, env: Record<string, string> = {}, spec: Partial<Job['spec']> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { app: 'test', run: name } },
    spec: {
      backoffLimit: 0,
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'NotIn', values: [0] } },
        ],
      },
      template: {
        metadata: { labels: { app: 'test', run: name } },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'main',
              image: 'test:1',
              command: ['script'],
              env: [
                ...Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
                { name: 'VALUE', valueFrom: { secretKeyRef: { name: 'creds', key: 'VALUE' } } },
                { name: 'HOME', value: '/home/app' },
              ],
              volumeMounts: [
                { name: 'home', mountPath: '/home/app' },
                { name: 'data', mountPath: join(claimRoot, 'sub'), subPath: 'sub' },
              ],
            },
          ],
          volumes: [
            { name: 'home', emptyDir: {} },
            { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
          ],
        },
      },
      ...spec,
    },
    status: {},
  };
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${kube.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text,
  };
}

async function waitFor<T>(probe: () => T | undefined | null | false, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function condition(j: Job | undefined, type: string) {
  return j?.status.conditions?.find((c) => c.type === type && c.status === 'True');
}
const getJob = (name: string) => kube.jobs(NS).find((j) => j.metadata.name === name);
const podOf = (name: string): Pod | undefined => kube.node.podsOf(NS, name)[0];

beforeEach(async () => {
  claimRoot = await mkdtemp(join(tmpdir(), 'fake-kube-claim-'));
  kube = await startFakeKube({
    commands: { script: [process.execPath, '-e', SCRIPT] },
    claims: { data: claimRoot },
    imageEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    unpullable: { 'missing:1': 'manifest for missing:1 not found' },
    timeScale: 0.01,
  });
  kube.addSecret(NS, 'creds', { VALUE: 'from-the-secret' });
});

afterEach(async () => {
  expect(kube.node.errors).toEqual([]);
  await kube.close();
  await rm(claimRoot, { recursive: true, force: true });
});

describe('fake Kubernetes API', () => {
  it('creates a Job once, runs its pod with the env and volumes, and completes it', async () => {
    expect((await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('ok'))).status).toBe(201);
    const again = await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('ok'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });

    const done = await waitFor(
      () => condition(getJob('ok'), 'Complete') && getJob('ok'),
      'the Job to complete',
    );
    expect(done.status.succeeded).toBe(1);
    const pod = podOf('ok');
    expect(pod?.status.phase).toBe('Succeeded');
    expect(pod?.metadata.labels).toMatchObject({ run: 'ok', 'batch.kubernetes.io/job-name': 'ok' });
    expect(pod?.status.containerStatuses?.[0]?.state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    const log = await api('GET', `/api/v1/namespaces/${NS}/pods/${pod?.metadata.name}/log`);
    expect(log.body).toMatch(/^value=from-the-secret home=\/tmp\/fake-kube-emptydir-/);
  });

  it('fails a Job through its pod failure policy', async () => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('bad', { CODE: '3' }));
    const failed = await waitFor(() => condition(getJob('bad'), 'Failed'), 'the Job to fail');
    expect(failed.reason).toBe('PodFailurePolicy');
    expect(failed.message).toMatch(
      /^Container main for pod backend\/bad-\w+ failed with exit code 3 matching FailJob rule at index 1$/,
    );
  });

  it('stops a Job at its deadline: SIGTERM to the pod, then Failed with DeadlineExceeded', async () => {
    await api(
      'POST',
      `/apis/batch/v1/namespaces/${NS}/jobs`,
      job('slow', { CODE: 'wait' }, { activeDeadlineSeconds: 50 }),
    );
    const failed = await waitFor(() => condition(getJob('slow'), 'Failed'), 'the deadline');
    expect(failed.reason).toBe('DeadlineExceeded');
    await waitFor(() => kube.pods(NS).length === 0, 'the pod to be deleted');
  });

  it('deletes pods with the Job only when asked to (Background), and orphans them otherwise', async () => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('bg', { CODE: 'wait' }));
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('orphan', { CODE: 'wait' }));
    await waitFor(
      () => podOf('bg')?.status.phase === 'Running' && podOf('orphan')?.status.phase === 'Running',
      'pods',
    );
    expect(
      (await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/bg?propagationPolicy=Background`)).status,
    ).toBe(200);
    expect((await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/orphan`)).status).toBe(200);
    await waitFor(() => !podOf('bg'), 'the Background pod to go');
    expect(podOf('orphan')?.status.phase).toBe('Running');
    expect(podOf('orphan')?.metadata.ownerReferences).toBeUndefined();
    expect((await api('DELETE', `/apis/batch/v1/namespaces/${NS}/jobs/bg`)).status).toBe(404);
  });

  it('reports pods that cannot start: unschedulable, image pull errors, a missing Secret', async () => {
    kube.node.setSchedulable(false);
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('nowhere'));
    const scheduled = await waitFor(
      () =>
        podOf('nowhere')?.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'),
      'Unschedulable',
    );
    expect(scheduled).toMatchObject({
      reason: 'Unschedulable',
      message: expect.stringMatching(/Insufficient memory/),
    });

    kube.node.setSchedulable(true);
    await waitFor(() => condition(getJob('nowhere'), 'Complete'), 'the pod to run once schedulable');

    const pull = job('pull');
    const container = pull.spec.template.spec.containers[0];
    if (container) container.image = 'missing:1';
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, pull);
    await waitFor(
      () => podOf('pull')?.status.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff',
      'ImagePullBackOff',
    );

    const secretless = job('secretless');
    secretless.spec.template.spec.containers[0]?.env?.push({
      name: 'X',
      valueFrom: { secretKeyRef: { name: 'absent', key: 'X' } },
    });
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, secretless);
    const waiting = await waitFor(
      () => podOf('secretless')?.status.containerStatuses?.[0]?.state.waiting,
      'config error',
    );
    expect(waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "absent" not found' });
  });

  it('evicts and OOM-kills pods the way a kubelet reports them', async () => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('evicted', { CODE: 'wait' }));
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('oom', { CODE: 'wait' }));
    await waitFor(
      () => podOf('evicted')?.status.phase === 'Running' && podOf('oom')?.status.phase === 'Running',
      'pods',
    );
    kube.node.evict(NS, podOf('evicted')?.metadata.name ?? '');
    kube.node.oomKill(NS, podOf('oom')?.metadata.name ?? '');
    const evicted = await waitFor(() => condition(getJob('evicted'), 'Failed'), 'eviction');
    expect(evicted.message).toMatch(/has condition DisruptionTarget matching FailJob rule at index 0/);
    expect(podOf('evicted')?.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    await waitFor(() => condition(getJob('oom'), 'Failed'), 'the OOM kill');
    expect(podOf('oom')?.status.containerStatuses?.[0]?.state.terminated).toMatchObject({
      exitCode: 137,
      reason: 'OOMKilled',
    });
  });

  it('lists and watches with resourceVersions, and answers 410 once history is compacted', async () => {
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('w1'));
    const list = await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs?labelSelector=run%3Dw1`);
    const rv = (list.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    expect((list.body as { items: unknown[] }).items).toHaveLength(1);

    const controller = new AbortController();
    const res = await fetch(
      `${kube.url}/apis/batch/v1/namespaces/${NS}/jobs?watch=true&resourceVersion=${rv}`,
      {
        signal: controller.signal,
      },
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    await api('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job('w2'));
    while (!text.includes('"w2"')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"type":"ADDED"');

    kube.api.expireWatches();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toMatch(/"type":"ERROR","object":\{"kind":"Status".*"code":410\}/);
    const resumed = await (
      await fetch(`${kube.url}/apis/batch/v1/namespaces/${NS}/jobs?watch=1&resourceVersion=${rv}`)
    ).text();
    expect(resumed).toMatch(/"reason":"Expired"/);
  });

  it('injects faults and enforces RBAC rules', async () => {
    kube.api.failNext({ method: 'GET', path: /\/jobs$/, status: 503, times: 2 });
    expect((await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs`)).status).toBe(503);
    expect((await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs`)).status).toBe(503);
    expect((await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs`)).status).toBe(200);

    const strict = await startFakeKube({
      commands: {},
      claims: {},
      rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list'] }],
    });
    try {
      const denied = await fetch(`${strict.url}/apis/batch/v1/namespaces/${NS}/jobs`, {
        method: 'POST',
        body: JSON.stringify(job('x')),
      });
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as { message: string }).message).toMatch(/cannot create resource "jobs"/);
      expect((await fetch(`${strict.url}/api/v1/namespaces/${NS}/pods`)).status).toBe(403);
      expect((await fetch(`${strict.url}/apis/batch/v1/namespaces/${NS}/jobs`)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('parseLabelSelector', () => {
  it('matches equality, inequality, existence and set terms', () => {
    const labels = { app: 'fanout', tier: 'worker' };
    expect(parseLabelSelector('app=fanout,tier')(labels)).toBe(true);
    expect(parseLabelSelector('app==fanout,tier!=web,!missing')(labels)).toBe(true);
    expect(parseLabelSelector('tier in (web, worker),app notin (x)')(labels)).toBe(true);
    expect(parseLabelSelector('app=other')(labels)).toBe(false);
    expect(parseLabelSelector('missing')(labels)).toBe(false);
    expect(parseLabelSelector('')(undefined)).toBe(true);
  });
});

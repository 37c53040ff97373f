import { describe, expect, it } from 'vitest';
import { CHECK_TIMEOUT_SECONDS, WORKER_ENV } from '@fanout/shared';
import {
  DEFAULT_JOB_SETTINGS,
  LABELS,
  buildAgentJob,
  jobName,
  runSelector,
  type JobRun,
  type JobSettings,
} from './job-manifest.js';
import { podSecurityViolations } from './pod-security.js';
import { schemaErrors, unknownFields, type KubeObject } from './schema-check.js';

const RUN_ID = '01kaz3m9q8c2v7x4t6r5n0p1hd';
const settings: JobSettings = {
  ...DEFAULT_JOB_SETTINGS,
  namespace: 'backend',
  workerImage: 'fanout-worker:dev',
  storageRoot: '/mnt/claude-output',
  workerEnv: { ANTHROPIC_BASE_URL: 'http://gateway:8080', HOME: '/root' },
};
const run: JobRun = {
  id: RUN_ID,
  runDir: `/mnt/claude-output/run-${RUN_ID}`,
  timeoutSeconds: 1800,
  check: null,
};

function build(index = 2, s: JobSettings = settings) {
  return buildAgentJob(run, index, s);
}

describe('buildAgentJob', () => {
  it('is a valid batch/v1 Job with no field the API does not know', async () => {
    const job = build() as KubeObject;
    expect(await schemaErrors(job)).toEqual([]);
    expect(unknownFields(job)).toEqual([]);
  });

  it('names the Job after the run folder and agent, within 63 characters', () => {
    const job = build(15);
    expect(job.metadata?.name).toBe(`run-${RUN_ID}-agent-15`);
    expect(job.metadata?.name?.length).toBeLessThanOrEqual(63);
    expect(job.metadata?.namespace).toBe('backend');
    expect(jobName(RUN_ID, 9999).length).toBeLessThanOrEqual(63);
    expect(() => jobName('UPPER', 0)).toThrow(/not a valid Kubernetes name/);
  });

  it('is deterministic', () => {
    expect(build()).toEqual(build());
    expect(JSON.stringify(build())).toBe(JSON.stringify(build()));
  });

  it('labels the Job and its pods with the run and the agent', () => {
    const job = build(3);
    for (const labels of [job.metadata?.labels, job.spec?.template.metadata?.labels]) {
      expect(labels?.[LABELS.run]).toBe(RUN_ID);
      expect(labels?.[LABELS.agent]).toBe('3');
      expect(labels?.[LABELS.managedBy]).toBe('fanout');
    }
    expect(runSelector(RUN_ID)).toBe(`app.kubernetes.io/managed-by=fanout,fanout.dev/run=${RUN_ID}`);
  });

  it('runs once, with a deadline from the run timeout, a TTL and a pod failure policy', () => {
    const spec = build().spec;
    expect(spec?.template.spec?.restartPolicy).toBe('Never');
    expect(spec?.backoffLimit).toBe(0);
    expect(spec?.activeDeadlineSeconds).toBe(1800 + settings.deadlineMarginSeconds);
    expect(spec?.ttlSecondsAfterFinished).toBe(3600);
    const rules = spec?.podFailurePolicy?.rules ?? [];
    expect(rules.map((r) => r.action)).toEqual(['FailJob', 'FailJob']);
    expect(rules[0]?.onPodConditions).toEqual([{ type: 'DisruptionTarget', status: 'True' }]);
    expect(rules[1]?.onExitCodes).toEqual({ containerName: 'worker', operator: 'NotIn', values: [0] });
  });

  it("gives a run with a check the check's time on top of the deadline", () => {
    const spec = buildAgentJob({ ...run, check: 'npm test' }, 2, settings).spec;
    expect(spec?.activeDeadlineSeconds).toBe(1800 + CHECK_TIMEOUT_SECONDS + settings.deadlineMarginSeconds);
  });

  it('meets the restricted Pod Security profile with a read-only root file system', () => {
    const pod = build().spec?.template.spec;
    expect(pod).toBeDefined();
    if (!pod) return;
    expect(podSecurityViolations(pod)).toEqual([]);
    expect(pod.securityContext?.runAsUser).toBe(1000);
    expect(pod.containers[0]?.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('mounts the run folder at the same absolute path, and emptyDirs for HOME and /tmp', () => {
    const pod = build().spec?.template.spec;
    const mounts = pod?.containers[0]?.volumeMounts ?? [];
    expect(mounts).toContainEqual({ name: 'run', mountPath: run.runDir, subPath: `run-${RUN_ID}` });
    expect(mounts.map((m) => m.mountPath)).toEqual([run.runDir, '/home/fanout', '/tmp']);
    expect(pod?.volumes).toContainEqual({ name: 'run', persistentVolumeClaim: { claimName: 'fanout-runs' } });
    expect(pod?.volumes?.filter((v) => v.emptyDir).map((v) => v.name)).toEqual(['home', 'tmp']);
  });

  it('passes the worker contract environment and the API key from a Secret', () => {
    const container = build(1).spec?.template.spec?.containers[0];
    expect(container?.command).toEqual(['fanout-worker']);
    expect(container?.image).toBe('fanout-worker:dev');
    const env = new Map((container?.env ?? []).map((e) => [e.name, e]));
    expect(env.get(WORKER_ENV.worktree)?.value).toBe(`${run.runDir}/agent-1`);
    expect(env.get(WORKER_ENV.branch)?.value).toBe('agent-1');
    expect(env.get(WORKER_ENV.runDir)?.value).toBe(run.runDir);
    expect(env.get(WORKER_ENV.runId)?.value).toBe(RUN_ID);
    expect(env.get(WORKER_ENV.agentIndex)?.value).toBe('1');
    expect(env.get('ANTHROPIC_API_KEY')).toEqual({
      name: 'ANTHROPIC_API_KEY',
      valueFrom: { secretKeyRef: { name: 'fanout-anthropic', key: 'ANTHROPIC_API_KEY' } },
    });
    expect(env.get('ANTHROPIC_BASE_URL')?.value).toBe('http://gateway:8080');
    // Settings cannot override what the Job sets itself.
    expect(env.get('HOME')?.value).toBe('/home/fanout');
    expect([...env.keys()].filter((k) => k === 'HOME')).toHaveLength(1);
    const safe = [...env.values()].filter((e) => e.name.startsWith('GIT_CONFIG_VALUE_')).map((e) => e.value);
    expect(safe).toEqual([`${run.runDir}/repo`, `${run.runDir}/agent-1`]);
    expect(env.get('GIT_CONFIG_COUNT')?.value).toBe('2');
  });

  it('moves NODE_EXTRA_CA_CERTS aside for the worker, which puts it back for its agent', () => {
    const ca = '/etc/gateway/ca.pem';
    const job = build(1, { ...settings, workerEnv: { ...settings.workerEnv, NODE_EXTRA_CA_CERTS: ca } });
    const env = new Map((job.spec?.template.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    expect(env.has('NODE_EXTRA_CA_CERTS')).toBe(false);
    expect(env.get('FANOUT_NODE_EXTRA_CA_CERTS')).toBe(ca);
    expect(env.get('ANTHROPIC_BASE_URL')).toBe('http://gateway:8080');
  });

  it('sets requests and limits', () => {
    const resources = build().spec?.template.spec?.containers[0]?.resources;
    expect(resources?.requests).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(resources?.limits).toEqual({ cpu: '2', memory: '4Gi' });
  });

  it('refuses a run that is not under the storage root of the volume', () => {
    expect(() => buildAgentJob({ ...run, runDir: `/elsewhere/run-${RUN_ID}` }, 0, settings)).toThrow(
      /not under the storage root/,
    );
    expect(() => buildAgentJob(run, 0, { ...settings, storageRoot: 'relative' })).toThrow(/storage root/);
  });
});

describe('schema checks', () => {
  it('catch invalid values and unknown fields', async () => {
    const job = build() as KubeObject & { spec: { backoffLimit: unknown; template: { spec: object } } };
    const broken = structuredClone(job);
    broken.spec.backoffLimit = 'none';
    expect((await schemaErrors(broken)).join()).toMatch(/backoffLimit must be integer/);
    const extra = structuredClone(job) as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const container = extra.spec.template.spec.containers[0];
    if (container) container.comand = ['x'];
    expect(unknownFields(extra as unknown as KubeObject)).toEqual([
      'spec.template.spec.containers[0].comand',
    ]);
  });

  it('find pod security problems', () => {
    const pod = structuredClone(build().spec?.template.spec);
    if (!pod?.containers[0]) throw new Error('no container');
    pod.containers[0].securityContext = { privileged: true };
    pod.securityContext = {};
    pod.volumes = [{ name: 'host', hostPath: { path: '/' } }];
    expect(podSecurityViolations(pod)).toEqual([
      'volume host is of type hostPath',
      'container worker is privileged',
      'container worker does not set allowPrivilegeEscalation: false',
      'container worker does not drop ALL capabilities',
      'container worker may run as root (runAsNonRoot is not true)',
      'container worker has no RuntimeDefault or Localhost seccomp profile',
      'container worker has a writable root file system',
    ]);
  });
});

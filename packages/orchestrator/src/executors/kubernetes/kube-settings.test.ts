import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_SETTINGS } from './job-manifest.js';
import { jobSettingsFromEnv, loadKubeConfig } from './kube-settings.js';

const base = { storage: '/mnt/claude-output', namespace: 'backend', workerImage: 'fanout-worker:dev' };

describe('jobSettingsFromEnv', () => {
  it('uses the defaults and the base settings', () => {
    expect(jobSettingsFromEnv({}, base)).toEqual({
      ...DEFAULT_JOB_SETTINGS,
      namespace: 'backend',
      workerImage: 'fanout-worker:dev',
      storageRoot: '/mnt/claude-output',
    });
  });

  it('reads the claim, Secret, pull policy, resources, and passes non-secret agent settings on', () => {
    const settings = jobSettingsFromEnv(
      {
        FANOUT_RUNS_CLAIM: 'runs',
        FANOUT_API_KEY_SECRET: 'anthropic',
        FANOUT_WORKER_PULL_POLICY: 'Always',
        FANOUT_WORKER_REQUESTS: 'cpu=250m',
        FANOUT_WORKER_LIMITS: 'cpu=4,memory=8Gi',
        ANTHROPIC_BASE_URL: 'http://gateway:8080',
        ANTHROPIC_API_KEY: 'sk-ant-secret',
        AWS_SECRET_ACCESS_KEY: 'secret',
        CLAUDE_CODE_MAX_RETRIES: '',
      },
      base,
    );
    expect(settings).toMatchObject({
      runsClaim: 'runs',
      apiKeySecret: 'anthropic',
      imagePullPolicy: 'Always',
      resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '4', memory: '8Gi' } },
      workerEnv: { ANTHROPIC_BASE_URL: 'http://gateway:8080' },
    });
    // Credentials never travel as plain env of a Job.
    expect(Object.keys(settings.workerEnv)).toEqual(['ANTHROPIC_BASE_URL']);
  });

  it('names a bad setting in one line', () => {
    expect(() => jobSettingsFromEnv({ FANOUT_WORKER_PULL_POLICY: 'Sometimes' }, base)).toThrow(
      /^FANOUT_WORKER_PULL_POLICY: must be Always, IfNotPresent or Never$/,
    );
    expect(() => jobSettingsFromEnv({ FANOUT_WORKER_LIMITS: 'memory=lots' }, base)).toThrow(
      /^FANOUT_WORKER_LIMITS: must look like cpu=500m,memory=1Gi$/,
    );
    expect(() => jobSettingsFromEnv({ FANOUT_RUNS_CLAIM: 'Runs_1' }, base)).toThrow(/^FANOUT_RUNS_CLAIM: /);
  });
});

describe('loadKubeConfig', () => {
  it('reads the first KUBECONFIG file when not in a cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanout-kubeconfig-'));
    try {
      const file = join(dir, 'config');
      await writeFile(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]',
          'users: [{name: u, user: {token: t}}]',
          'contexts: [{name: x, context: {cluster: c, user: u}}]',
          'current-context: x',
        ].join('\n'),
      );
      const config = loadKubeConfig({ KUBECONFIG: `${join(dir, 'missing')}:${file}` }, join(dir, 'no-token'));
      expect(config.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

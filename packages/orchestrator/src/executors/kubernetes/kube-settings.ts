import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import * as z from 'zod';
import { DEFAULT_JOB_SETTINGS, type JobSettings, type ResourceList } from './job-manifest.js';

/**
 * The kubernetes executor's settings from the environment, parsed once at start-up (the orchestrator's
 * config.ts owns FANOUT_STORAGE, FANOUT_NAMESPACE and FANOUT_WORKER_IMAGE and passes them in):
 *
 * | variable | default | meaning |
 * | FANOUT_RUNS_CLAIM | fanout-runs | PersistentVolumeClaim of the runs volume, mounted by every agent's pod |
 * | FANOUT_API_KEY_SECRET | fanout-anthropic | Secret with the key ANTHROPIC_API_KEY |
 * | FANOUT_WORKER_PULL_POLICY | IfNotPresent | imagePullPolicy of the worker image |
 * | FANOUT_WORKER_REQUESTS | cpu=500m,memory=1Gi | requests of each agent's pod |
 * | FANOUT_WORKER_LIMITS | cpu=2,memory=4Gi | limits of each agent's pod |
 *
 * The non-secret variables that point Claude Code at a service (ANTHROPIC_BASE_URL, Bedrock and Vertex
 * switches, retry settings, proxies) are passed on from the orchestrator's environment to the workers.
 */
export const WORKER_PASSTHROUGH_ENV = [
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_MODEL',
  'ANTHROPIC_SMALL_FAST_MODEL',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'AWS_REGION',
  'CLOUD_ML_REGION',
  'ANTHROPIC_VERTEX_PROJECT_ID',
  'CLAUDE_CODE_MAX_RETRIES',
  'API_TIMEOUT_MS',
  'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
] as const;

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;

function resourceList(name: string, fallback: ResourceList) {
  return z
    .string()
    .optional()
    .transform((text, ctx): ResourceList => {
      if (!text) return fallback;
      const out: Record<string, string> = {};
      for (const part of text.split(',')) {
        const [key, value] = part.split('=').map((s) => s.trim());
        if ((key !== 'cpu' && key !== 'memory') || !value || !QUANTITY.test(value)) {
          ctx.addIssue({ code: 'custom', message: `${name}: must look like cpu=500m,memory=1Gi` });
          return z.NEVER;
        }
        out[key] = value;
      }
      return { cpu: out.cpu ?? fallback.cpu, memory: out.memory ?? fallback.memory };
    });
}

const envSchema = z.object({
  FANOUT_RUNS_CLAIM: z
    .string()
    .regex(DNS_NAME, 'FANOUT_RUNS_CLAIM: must be a Kubernetes name')
    .default(DEFAULT_JOB_SETTINGS.runsClaim),
  FANOUT_API_KEY_SECRET: z
    .string()
    .regex(DNS_NAME, 'FANOUT_API_KEY_SECRET: must be a Kubernetes name')
    .default(DEFAULT_JOB_SETTINGS.apiKeySecret),
  FANOUT_WORKER_PULL_POLICY: z
    .enum(['Always', 'IfNotPresent', 'Never'], {
      error: 'FANOUT_WORKER_PULL_POLICY: must be Always, IfNotPresent or Never',
    })
    .default(DEFAULT_JOB_SETTINGS.imagePullPolicy),
  FANOUT_WORKER_REQUESTS: resourceList('FANOUT_WORKER_REQUESTS', DEFAULT_JOB_SETTINGS.resources.requests),
  FANOUT_WORKER_LIMITS: resourceList('FANOUT_WORKER_LIMITS', DEFAULT_JOB_SETTINGS.resources.limits),
});

export interface KubernetesBase {
  /** Absolute path of the runs volume in the orchestrator (FANOUT_STORAGE). */
  storage: string;
  namespace: string;
  workerImage: string;
}

/** Job settings from the environment; throws an Error whose message is one line naming the variable. */
export function jobSettingsFromEnv(
  env: Record<string, string | undefined>,
  base: KubernetesBase,
): JobSettings {
  const input = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid kubernetes settings');
  const e = parsed.data;
  const workerEnv: Record<string, string> = {};
  for (const name of WORKER_PASSTHROUGH_ENV) {
    const value = env[name];
    if (value) workerEnv[name] = value;
  }
  return {
    ...DEFAULT_JOB_SETTINGS,
    namespace: base.namespace,
    workerImage: base.workerImage,
    storageRoot: base.storage,
    runsClaim: e.FANOUT_RUNS_CLAIM,
    apiKeySecret: e.FANOUT_API_KEY_SECRET,
    imagePullPolicy: e.FANOUT_WORKER_PULL_POLICY,
    resources: { requests: e.FANOUT_WORKER_REQUESTS, limits: e.FANOUT_WORKER_LIMITS },
    workerEnv,
  };
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Cluster access the standard way: the pod's service account when running in a cluster, else the
 * first file of KUBECONFIG, else ~/.kube/config.
 */
export function loadKubeConfig(
  env: Record<string, string | undefined>,
  tokenFile: string = SERVICE_ACCOUNT_TOKEN,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  const kubeconfigFile = env.KUBECONFIG?.split(delimiter).find((path) => path && existsSync(path));
  if (env.KUBERNETES_SERVICE_HOST && existsSync(tokenFile)) kubeConfig.loadFromCluster();
  else if (kubeconfigFile) kubeConfig.loadFromFile(kubeconfigFile);
  else kubeConfig.loadFromDefault();
  if (!kubeConfig.getCurrentCluster()) {
    throw new Error('FANOUT_EXECUTOR: kubernetes needs cluster access (run in a cluster, or set KUBECONFIG)');
  }
  return kubeConfig;
}

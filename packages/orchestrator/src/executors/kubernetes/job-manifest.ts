import { posix } from 'node:path';
import type { V1EnvVar, V1Job, V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';
import {
  WORKER_ENV,
  agentBranch,
  checkTimeLimitSeconds,
  runDirName,
  runPaths,
  type RunFile,
} from '@fanout/shared';
import { deferWorkerEnv } from '@fanout/worker';

/**
 * The batch/v1 Job of one agent, built as plain data so it can be checked without a cluster.
 * Everything the pod needs comes from here: the worker image and command, the run's folder of the
 * shared volume mounted at the same absolute path the orchestrator uses, the API key from a Secret,
 * and the restricted Pod Security profile with a read-only root file system.
 */

/** Labels on every Job and pod fanout creates; the executor watches by them. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  run: 'fanout.dev/run',
  agent: 'fanout.dev/agent',
} as const;
export const ANNOTATIONS = { runDir: 'fanout.dev/run-dir', branch: 'fanout.dev/branch' } as const;

export const WORKER_CONTAINER = 'worker';
export const WORKER_COMMAND = 'fanout-worker';
export const WORKER_UID = 1000;
export const WORKER_HOME = '/home/fanout';
export const API_KEY_ENV = 'ANTHROPIC_API_KEY';

/** Selects every Job and pod of any fanout run. */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=fanout,${LABELS.run}`;

export function runSelector(runId: string): string {
  return `${LABELS.managedBy}=fanout,${LABELS.run}=${runId}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `run-<id>-agent-<n>`: the run's folder name, so a person can go from a Job to its files. */
export function jobName(runId: string, index: number): string {
  const name = `${runDirName(runId)}-agent-${index}`;
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new Error(
      `job name ${JSON.stringify(name)} is not a valid Kubernetes name (63 characters at most)`,
    );
  }
  return name;
}

export interface ResourceList {
  cpu: string;
  memory: string;
}

/** What every worker Job shares; parsed once from the orchestrator's configuration. */
export interface JobSettings {
  namespace: string;
  /** The worker image; `fanout-worker` is on its PATH. */
  workerImage: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Absolute path where the runs volume is mounted in the orchestrator (FANOUT_STORAGE). */
  storageRoot: string;
  /** PersistentVolumeClaim of the runs volume. */
  runsClaim: string;
  /** Secret holding the key `ANTHROPIC_API_KEY`. */
  apiKeySecret: string;
  resources: { requests: ResourceList; limits: ResourceList };
  /** Plain environment for every worker (e.g. `ANTHROPIC_BASE_URL` of a gateway). Never secrets. */
  workerEnv: Readonly<Record<string, string>>;
  /**
   * Added to the run's timeout for the Job's `activeDeadlineSeconds`: the worker enforces the run's
   * timeout itself and commits; the deadline is the backstop for one that hangs (and covers the pull).
   */
  deadlineMarginSeconds: number;
  /** How long a stopped worker has to kill its agent, commit and record its result. */
  terminationGracePeriodSeconds: number;
  ttlSecondsAfterFinished: number;
  /** Size limit of each emptyDir (HOME and /tmp). */
  scratchSizeLimit: string;
}

export const DEFAULT_JOB_SETTINGS: Omit<JobSettings, 'namespace' | 'workerImage' | 'storageRoot'> = {
  imagePullPolicy: 'IfNotPresent',
  runsClaim: 'fanout-runs',
  apiKeySecret: 'fanout-anthropic',
  // Claude Code with `claude mcp serve` takes about 450 MB; the rest is for what the agent runs.
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
  workerEnv: {},
  deadlineMarginSeconds: 300,
  terminationGracePeriodSeconds: 60,
  ttlSecondsAfterFinished: 3600,
  scratchSizeLimit: '2Gi',
};

/** The restricted Pod Security profile, as fanout applies it to every container. */
export const RESTRICTED_POD_SECURITY: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: WORKER_UID,
  runAsGroup: WORKER_UID,
  fsGroup: WORKER_UID,
  fsGroupChangePolicy: 'OnRootMismatch',
  seccompProfile: { type: 'RuntimeDefault' },
};
export const RESTRICTED_CONTAINER_SECURITY: V1SecurityContext = {
  runAsNonRoot: true,
  runAsUser: WORKER_UID,
  runAsGroup: WORKER_UID,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export type JobRun = Pick<RunFile, 'id' | 'runDir' | 'timeoutSeconds' | 'check'>;

/** The Job that runs agent `index` of `run`. Pure: same input, same manifest. */
export function buildAgentJob(run: JobRun, index: number, settings: JobSettings): V1Job {
  const name = jobName(run.id, index);
  const paths = runPaths(settings.storageRoot, run.id);
  // Each pod mounts only its run's folder, at the path the orchestrator wrote into run.json.
  if (!posix.isAbsolute(settings.storageRoot) || paths.root !== run.runDir) {
    throw new Error(
      `run ${run.id} lives in ${run.runDir}, not under the storage root ${settings.storageRoot} of the runs volume`,
    );
  }
  const branch = agentBranch(index);
  const worktree = paths.worktree(index);
  const labels = {
    [LABELS.name]: 'fanout-worker',
    [LABELS.partOf]: 'fanout',
    [LABELS.managedBy]: 'fanout',
    [LABELS.run]: run.id,
    [LABELS.agent]: String(index),
  };

  const env: V1EnvVar[] = [
    ...Object.entries(deferWorkerEnv(settings.workerEnv))
      .filter(([key]) => !RESERVED_ENV.has(key))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ name: key, value })),
    { name: WORKER_ENV.worktree, value: worktree },
    { name: WORKER_ENV.branch, value: branch },
    { name: WORKER_ENV.runDir, value: paths.root },
    { name: WORKER_ENV.runId, value: run.id },
    { name: WORKER_ENV.agentIndex, value: String(index) },
    { name: 'HOME', value: WORKER_HOME },
    { name: 'TMPDIR', value: '/tmp' },
    // The volume's files may belong to another uid on the host (minikube's mount): trust this run's
    // repository and worktree, through command-line scope config, which git honours for safe.directory.
    { name: 'GIT_CONFIG_COUNT', value: '2' },
    { name: 'GIT_CONFIG_KEY_0', value: 'safe.directory' },
    { name: 'GIT_CONFIG_VALUE_0', value: paths.repo },
    { name: 'GIT_CONFIG_KEY_1', value: 'safe.directory' },
    { name: 'GIT_CONFIG_VALUE_1', value: worktree },
    {
      name: API_KEY_ENV,
      valueFrom: { secretKeyRef: { name: settings.apiKeySecret, key: API_KEY_ENV } },
    },
  ];

  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: settings.namespace,
      labels,
      annotations: { [ANNOTATIONS.runDir]: paths.root, [ANNOTATIONS.branch]: branch },
    },
    spec: {
      completions: 1,
      parallelism: 1,
      // One attempt: a second worker on a worktree the first one already changed would not know it.
      backoffLimit: 0,
      // The worker stops its agent at timeoutSeconds and its check after the check's own time limit.
      activeDeadlineSeconds: run.timeoutSeconds + checkTimeLimitSeconds(run) + settings.deadlineMarginSeconds,
      ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished,
      podFailurePolicy: {
        rules: [
          // Evicted, preempted or drained: fail at once, and say so in the Job's condition.
          { action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          {
            action: 'FailJob',
            onExitCodes: { containerName: WORKER_CONTAINER, operator: 'NotIn', values: [0] },
          },
        ],
      },
      template: {
        metadata: { labels, annotations: { [ANNOTATIONS.runDir]: paths.root } },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds,
          securityContext: RESTRICTED_POD_SECURITY,
          containers: [
            {
              name: WORKER_CONTAINER,
              image: settings.workerImage,
              imagePullPolicy: settings.imagePullPolicy,
              command: [WORKER_COMMAND],
              env,
              resources: {
                requests: { ...settings.resources.requests },
                limits: { ...settings.resources.limits },
              },
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [
                { name: 'run', mountPath: paths.root, subPath: runDirName(run.id) },
                { name: 'home', mountPath: WORKER_HOME },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'run', persistentVolumeClaim: { claimName: settings.runsClaim } },
            { name: 'home', emptyDir: { sizeLimit: settings.scratchSizeLimit } },
            { name: 'tmp', emptyDir: { sizeLimit: settings.scratchSizeLimit } },
          ],
        },
      },
    },
  };
}

/** Names the Job sets itself; `workerEnv` cannot override them. */
const RESERVED_ENV = new Set<string>([
  ...Object.values(WORKER_ENV),
  'HOME',
  'TMPDIR',
  API_KEY_ENV,
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_CONFIG_KEY_1',
  'GIT_CONFIG_VALUE_1',
]);

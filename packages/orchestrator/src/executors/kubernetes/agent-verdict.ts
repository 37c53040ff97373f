import type { V1Job, V1JobCondition, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import type { AgentError } from '@fanout/shared';

/**
 * What the cluster says about one agent whose worker has not recorded an outcome, as a pure function
 * of its Job and pods: keep waiting, or the worker is gone (or will never start) and the orchestrator
 * records why, in plain words. The worker's own result.json always wins; this is only for the rest.
 */
export type Verdict =
  | { kind: 'wait' }
  | {
      kind: 'lost';
      status: 'failed' | 'cancelled';
      error: AgentError;
      /** The pod never ran or is stuck: delete the Job so it cannot start later. */
      stopJob: boolean;
      /** No process of the worker can still be running, so its worktree may be committed. */
      workerGone: boolean;
    };

export interface Observation {
  /** The agent's Job, or null when there is none (never created, deleted, or removed by its TTL). */
  job: V1Job | null;
  /** The agent's pods (by label; a deleted Job's pods may still be terminating). */
  pods: readonly V1Pod[];
  now: Date;
  cancelRequested: boolean;
  timeoutSeconds: number;
  limits: VerdictLimits;
}

export interface VerdictLimits {
  /** How long a pod may wait for a node before the agent fails. */
  unschedulableMs: number;
  /** How long a pod may retry pulling its image or creating its container. */
  startupErrorMs: number;
}

export const DEFAULT_VERDICT_LIMITS: VerdictLimits = {
  unschedulableMs: 10 * 60_000,
  startupErrorMs: 3 * 60_000,
};

const WAIT: Verdict = { kind: 'wait' };
const IMAGE_ERRORS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'RegistryUnavailable',
  'SignatureValidationFailed',
]);
const FATAL_IMAGE_ERRORS = new Set(['InvalidImageName', 'ErrImageNeverPull']);
const CONTAINER_ERRORS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** Timestamps are Dates in listed objects and ISO strings in watch events. */
export function timeOf(value: Date | string | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? null : time;
}

export function judgeAgent(o: Observation): Verdict {
  const pods = [...o.pods].sort(
    (a, b) => (timeOf(a.metadata?.creationTimestamp) ?? 0) - (timeOf(b.metadata?.creationTimestamp) ?? 0),
  );
  const live = pods.filter((p) => !isPodFinished(p));
  if (live.length) {
    // A pod is still there: it runs (wait), or it is stuck before its container starts.
    for (const pod of live) {
      if (pod.metadata?.deletionTimestamp) continue;
      const stuck = stuckPod(pod, o);
      if (stuck) return stuck;
    }
    return WAIT;
  }

  const latest = pods.at(-1);
  const deadline = jobCondition(o.job, 'DeadlineExceeded');
  if (deadline) {
    return lost('failed', {
      code: 'timeout',
      message: `the run's time limit of ${o.timeoutSeconds} s ran out and the worker did not record a result; the Job was stopped after ${o.job?.spec?.activeDeadlineSeconds ?? '?'} s`,
    });
  }
  if (latest) {
    const byPod = finishedPodError(latest, o);
    if (byPod) return byPod;
  }
  if (o.job && !isJobFinished(o.job)) return WAIT; // the Job controller has yet to create the pod
  if (o.job) {
    const failed = jobCondition(o.job, null);
    if (failed) {
      return lost('failed', {
        code: 'worker_lost',
        message: `the worker's Job failed (${failed.reason ?? 'unknown reason'}${failed.message ? `: ${failed.message}` : ''}) before the worker recorded a result`,
      });
    }
    return lost('failed', { code: 'worker_lost', message: 'the worker finished without recording a result' });
  }
  if (o.cancelRequested) {
    return lost('cancelled', { code: 'cancelled', message: 'cancelled before the worker recorded a result' });
  }
  return lost('failed', {
    code: 'worker_lost',
    message: "the worker's Job was deleted before the worker recorded a result",
  });
}

function lost(
  status: 'failed' | 'cancelled',
  error: AgentError,
  stopJob = false,
  workerGone = true,
): Verdict {
  return { kind: 'lost', status, error, stopJob, workerGone };
}

/** A pod that has not started its container and, by now, will not. */
function stuckPod(pod: V1Pod, o: Observation): Verdict | null {
  const now = o.now.getTime();
  const created = timeOf(pod.metadata?.creationTimestamp) ?? now;
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = timeOf(scheduled.lastTransitionTime) ?? created;
    if (now - since >= o.limits.unschedulableMs) {
      return lost(
        'failed',
        {
          code: 'setup_failed',
          message: `the cluster found no node for the worker's pod for ${minutes(now - since)}: ${scheduled.message ?? 'unschedulable'}`,
        },
        true,
        true,
      );
    }
    return null;
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason) continue;
    const detail = waiting.message ? `: ${waiting.message}` : '';
    if (
      FATAL_IMAGE_ERRORS.has(waiting.reason) ||
      (IMAGE_ERRORS.has(waiting.reason) && now - created >= o.limits.startupErrorMs)
    ) {
      return lost(
        'failed',
        {
          code: 'setup_failed',
          message: `the worker image ${status.image ?? ''} could not be pulled (${waiting.reason})${detail}`,
        },
        true,
        true,
      );
    }
    if (CONTAINER_ERRORS.has(waiting.reason) && now - created >= o.limits.startupErrorMs) {
      return lost(
        'failed',
        {
          code: 'setup_failed',
          message: `the worker's container could not be started (${waiting.reason})${detail}`,
        },
        true,
        true,
      );
    }
  }
  return null;
}

/** Why a pod that has finished (or is gone) ended without the worker recording a result. */
function finishedPodError(pod: V1Pod, o: Observation): Verdict | null {
  const terminated = pod.status?.containerStatuses?.find((c) => c.state?.terminated)?.state?.terminated;
  const limit = pod.spec?.containers[0]?.resources?.limits?.memory;
  if (terminated?.reason === 'OOMKilled') {
    return lost('failed', {
      code: 'worker_lost',
      message: `the worker ran out of memory and was killed (OOMKilled${limit ? `, memory limit ${limit}` : ''})`,
    });
  }
  if (pod.status?.reason === 'Evicted') {
    return lost('failed', {
      code: 'worker_lost',
      message: `the worker's pod was evicted from its node${pod.status.message ? `: ${pod.status.message}` : ''}`,
    });
  }
  const disruption = podCondition(pod, 'DisruptionTarget');
  if (disruption) {
    return lost('failed', {
      code: 'worker_lost',
      message: `the worker's pod was stopped by the cluster (${disruption.reason ?? 'disruption'})${disruption.message ? `: ${disruption.message}` : ''}`,
    });
  }
  if (terminated?.reason === 'StartError' || terminated?.reason === 'ContainerCannotRun') {
    return lost('failed', {
      code: 'setup_failed',
      message: `the worker could not start (${terminated.reason})${terminated.message ? `: ${terminated.message}` : ''}`,
    });
  }
  if (o.cancelRequested && (pod.metadata?.deletionTimestamp || !o.job)) {
    return lost('cancelled', {
      code: 'cancelled',
      message: 'cancelled; the worker stopped before it recorded a result',
    });
  }
  if (terminated && terminated.exitCode !== 0) {
    return lost('failed', {
      code: 'worker_lost',
      message: `the worker exited with code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''} before it recorded a result`,
    });
  }
  if (terminated) {
    return lost('failed', { code: 'worker_lost', message: 'the worker exited without recording a result' });
  }
  return null;
}

export function isPodFinished(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function isJobFinished(job: V1Job): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/** The Job's failure condition (Failed or FailureTarget), of a given reason or any. */
function jobCondition(job: V1Job | null, reason: string | null): V1JobCondition | undefined {
  return job?.status?.conditions?.find(
    (c) =>
      (c.type === 'Failed' || c.type === 'FailureTarget') &&
      c.status === 'True' &&
      (reason === null || c.reason === reason),
  );
}

function podCondition(pod: V1Pod, type: string): V1PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 1 ? `${m} min` : `${Math.round(ms / 1000)} s`;
}

import type { V1ContainerState, V1Job, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VERDICT_LIMITS, judgeAgent, timeOf, type Observation } from './agent-verdict.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

function pod(
  opts: {
    phase?: string;
    state?: V1ContainerState;
    conditions?: V1PodCondition[];
    reason?: string;
    message?: string;
    deleting?: boolean;
    createdMinutesAgo?: number;
  } = {},
): V1Pod {
  return {
    metadata: {
      name: 'run-x-agent-0-abcde',
      // Watch events carry ISO strings; listed objects carry Dates: both must work.
      creationTimestamp: minutesAgo(opts.createdMinutesAgo ?? 1) as unknown as Date,
      ...(opts.deleting ? { deletionTimestamp: NOW } : {}),
    },
    spec: {
      containers: [{ name: 'worker', image: 'fanout-worker:dev', resources: { limits: { memory: '4Gi' } } }],
    },
    status: {
      phase: opts.phase ?? 'Running',
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.message ? { message: opts.message } : {}),
      conditions: opts.conditions ?? [],
      containerStatuses: opts.state
        ? [
            {
              name: 'worker',
              image: 'fanout-worker:dev',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: opts.state,
            },
          ]
        : [],
    },
  };
}

function job(conditions: { type: string; reason?: string; message?: string }[] = []): V1Job {
  return {
    metadata: { name: 'run-x-agent-0' },
    spec: { template: {}, activeDeadlineSeconds: 1900 },
    status: { conditions: conditions.map((c) => ({ ...c, status: 'True' })) },
  };
}

function judge(partial: Partial<Observation>) {
  return judgeAgent({
    job: job(),
    pods: [],
    now: NOW,
    cancelRequested: false,
    timeoutSeconds: 1800,
    limits: DEFAULT_VERDICT_LIMITS,
    ...partial,
  });
}

const terminated = (exitCode: number, reason: string, message?: string): V1ContainerState => ({
  terminated: { exitCode, reason, ...(message ? { message } : {}) },
});

describe('judgeAgent', () => {
  it('waits while the pod runs, starts, is being deleted, or has yet to be created', () => {
    expect(judge({ pods: [pod({ state: { running: {} } })] })).toEqual({ kind: 'wait' });
    expect(judge({ pods: [pod({ phase: 'Pending' })] })).toEqual({ kind: 'wait' });
    expect(judge({ pods: [pod({ deleting: true })], job: null })).toEqual({ kind: 'wait' });
    expect(judge({ pods: [] })).toEqual({ kind: 'wait' });
    // Pulling is slow at first; only a long back-off is an error.
    const pulling = pod({ phase: 'Pending', state: { waiting: { reason: 'ImagePullBackOff' } } });
    expect(judge({ pods: [pulling] })).toEqual({ kind: 'wait' });
  });

  it('fails an agent whose image cannot be pulled, and stops its Job', () => {
    const verdict = judge({
      pods: [
        pod({
          phase: 'Pending',
          createdMinutesAgo: 5,
          state: {
            waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "fanout-worker:dev"' },
          },
        }),
      ],
    });
    expect(verdict).toEqual({
      kind: 'lost',
      status: 'failed',
      error: {
        code: 'setup_failed',
        message:
          'the worker image fanout-worker:dev could not be pulled (ImagePullBackOff): Back-off pulling image "fanout-worker:dev"',
      },
      stopJob: true,
      workerGone: true,
    });
    const invalid = judge({
      pods: [pod({ phase: 'Pending', state: { waiting: { reason: 'InvalidImageName' } } })],
    });
    expect(invalid).toMatchObject({ kind: 'lost', error: { code: 'setup_failed' } });
  });

  it('fails an agent whose pod found no node for too long', () => {
    const unschedulable = (since: number) =>
      pod({
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/1 nodes are available: 1 Insufficient memory.',
            lastTransitionTime: minutesAgo(since) as unknown as Date,
          },
        ],
      });
    expect(judge({ pods: [unschedulable(2)] })).toEqual({ kind: 'wait' });
    expect(judge({ pods: [unschedulable(12)] })).toMatchObject({
      kind: 'lost',
      stopJob: true,
      error: {
        code: 'setup_failed',
        message:
          "the cluster found no node for the worker's pod for 12 min: 0/1 nodes are available: 1 Insufficient memory.",
      },
    });
  });

  it('fails an agent whose container cannot be created (a missing Secret)', () => {
    const waiting = {
      waiting: { reason: 'CreateContainerConfigError', message: 'secret "fanout-anthropic" not found' },
    };
    expect(judge({ pods: [pod({ phase: 'Pending', state: waiting })] })).toEqual({ kind: 'wait' });
    expect(judge({ pods: [pod({ phase: 'Pending', state: waiting, createdMinutesAgo: 4 })] })).toMatchObject({
      error: {
        code: 'setup_failed',
        message:
          'the worker\'s container could not be started (CreateContainerConfigError): secret "fanout-anthropic" not found',
      },
    });
  });

  it('names an OOM kill, with the memory limit', () => {
    const verdict = judge({
      job: job([{ type: 'Failed', reason: 'PodFailurePolicy' }]),
      pods: [pod({ phase: 'Failed', state: terminated(137, 'OOMKilled') })],
    });
    expect(verdict).toMatchObject({
      kind: 'lost',
      status: 'failed',
      stopJob: false,
      workerGone: true,
      error: {
        code: 'worker_lost',
        message: 'the worker ran out of memory and was killed (OOMKilled, memory limit 4Gi)',
      },
    });
  });

  it('names the deadline as a timeout once the pod is gone', () => {
    const j = job([
      {
        type: 'FailureTarget',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      },
    ]);
    expect(judge({ job: j, pods: [pod({ deleting: true })] })).toEqual({ kind: 'wait' });
    expect(judge({ job: j, pods: [] })).toMatchObject({
      error: {
        code: 'timeout',
        message:
          "the run's time limit of 1800 s ran out and the worker did not record a result; the Job was stopped after 1900 s",
      },
    });
  });

  it('names an eviction and other disruptions', () => {
    const evicted = pod({
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet' }],
      state: terminated(143, 'Error'),
    });
    expect(judge({ pods: [evicted] })).toMatchObject({
      error: {
        code: 'worker_lost',
        message: "the worker's pod was evicted from its node: The node was low on resource: memory.",
      },
    });
    const preempted = pod({
      phase: 'Failed',
      conditions: [
        { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'preempted' },
      ],
      state: terminated(143, 'Error'),
    });
    expect(judge({ pods: [preempted] })).toMatchObject({
      error: {
        code: 'worker_lost',
        message: "the worker's pod was stopped by the cluster (PreemptionByScheduler): preempted",
      },
    });
  });

  it('names a worker that exited without a result, or could not start', () => {
    expect(judge({ pods: [pod({ phase: 'Failed', state: terminated(1, 'Error') })] })).toMatchObject({
      error: {
        code: 'worker_lost',
        message: 'the worker exited with code 1 (Error) before it recorded a result',
      },
    });
    expect(judge({ pods: [pod({ phase: 'Succeeded', state: terminated(0, 'Completed') })] })).toMatchObject({
      error: { code: 'worker_lost', message: 'the worker exited without recording a result' },
    });
    const startError = terminated(
      128,
      'StartError',
      'exec: "fanout-worker": executable file not found in $PATH',
    );
    expect(judge({ pods: [pod({ phase: 'Failed', state: startError })] })).toMatchObject({
      error: {
        code: 'setup_failed',
        message:
          'the worker could not start (StartError): exec: "fanout-worker": executable file not found in $PATH',
      },
    });
  });

  it('records a cancel when the Job was deleted on request, and a lost worker when it was not', () => {
    expect(judge({ job: null, pods: [], cancelRequested: true })).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled' },
    });
    expect(
      judge({
        job: null,
        pods: [pod({ phase: 'Failed', state: terminated(143, 'Error') })],
        cancelRequested: true,
      }),
    ).toMatchObject({
      status: 'cancelled',
    });
    expect(judge({ job: null, pods: [] })).toMatchObject({
      status: 'failed',
      error: {
        code: 'worker_lost',
        message: "the worker's Job was deleted before the worker recorded a result",
      },
    });
    expect(
      judge({
        job: job([
          {
            type: 'Failed',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ]),
      }),
    ).toMatchObject({
      error: {
        code: 'worker_lost',
        message:
          "the worker's Job failed (BackoffLimitExceeded: Job has reached the specified backoff limit) before the worker recorded a result",
      },
    });
  });
});

describe('timeOf', () => {
  it('reads Dates and ISO strings alike', () => {
    expect(timeOf(NOW)).toBe(NOW.getTime());
    expect(timeOf(NOW.toISOString())).toBe(NOW.getTime());
    expect(timeOf(undefined)).toBeNull();
    expect(timeOf('not a date')).toBeNull();
  });
});

import { access, readdir, writeFile } from 'node:fs/promises';
import { BatchV1Api, CoreV1Api, type KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { SAVE_REASONS, writeJsonOnce } from '@fanout/worker';
import {
  isRunId,
  runFileSchema,
  runPaths,
  runPathsAt,
  type AgentError,
  type LaunchFile,
  type RunFile,
} from '@fanout/shared';
import type { Logger } from '../../logger.js';
import { finishLostAgent } from '../../runs/finish-lost-agent.js';
import { readJsonFile } from '../../storage/read-json-file.js';
import type { Executor } from '../executor.js';
import {
  DEFAULT_VERDICT_LIMITS,
  isPodFinished,
  judgeAgent,
  type Verdict,
  type VerdictLimits,
} from './agent-verdict.js';
import { ClusterWatch } from './cluster-watch.js';
import {
  LABELS,
  MANAGED_SELECTOR,
  WORKER_CONTAINER,
  buildAgentJob,
  jobName,
  runSelector,
  type JobSettings,
} from './job-manifest.js';
import { apiMessage, apiStatus, isTransient, withRetry, type ExecutorLogger } from './kube-api.js';

/** Records the outcome of an agent whose worker is gone (salvage commit, then a write-once result.json). */
export type FinishLost = (
  run: RunFile,
  index: number,
  outcome: { status: 'failed' | 'cancelled'; error: AgentError; commitReason: string | null },
) => Promise<boolean>;

export interface KubernetesTiming {
  /** How often every unfinished run on disk and every Job is looked at again, events or not. */
  resyncMs: number;
  /** After a pod ends, how long to give its worker's result.json to appear before deciding it has none. */
  settleMs: number;
  /** How long a pod may be unschedulable, or fail to pull its image or start its container. */
  limits: VerdictLimits;
  /** Restart delays of a failed watch. */
  watchBackoff: { minMs: number; maxMs: number };
}

export const DEFAULT_TIMING: KubernetesTiming = {
  resyncMs: 30_000,
  settleMs: 2_000,
  limits: DEFAULT_VERDICT_LIMITS,
  watchBackoff: { minMs: 1_000, maxMs: 30_000 },
};

/**
 * What the kubernetes executor is built from (see index.ts for `createKubernetesExecutor`).
 * - `kubeConfig`: cluster access (`loadKubeConfig(env)`: in-cluster service account, else KUBECONFIG).
 * - `settings`: what every worker Job shares: namespace, worker image, storage root (FANOUT_STORAGE, the
 *   same absolute path in every pod), runs claim, API-key Secret, resources (`jobSettingsFromEnv`).
 * - `logger`: `{info, warn, error}(obj, msg)`; the orchestrator's pino logger fits.
 * - `now`, `timing`: for tests. `finishLostAgent`: defaults to the orchestrator's runs/finish-lost-agent.
 */
export interface KubernetesExecutorDeps {
  kubeConfig: KubeConfig;
  settings: JobSettings;
  logger: ExecutorLogger;
  now?: () => Date;
  timing?: Partial<KubernetesTiming>;
  finishLostAgent?: FinishLost;
}

const key = (runId: string, index: number) => `${runId}/${index}`;
const RUN_CACHE_LIMIT = 10_000;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * One batch/v1 Job per agent. Stateless, like the orchestrator replicas that run it: the run
 * directory and the Jobs are the truth, so any replica can launch, watch, cancel and finish any run.
 * - launch: create each agent's Job (409 means another replica did), then write launch.json once.
 * - watch: informers on the namespace's fanout Jobs and pods, restarted with backoff on failure, plus a
 *   periodic sweep of unfinished runs on disk, so nothing depends on one replica or one watch.
 * - a worker gone without a result: its error in plain words (see agent-verdict.ts), its work
 *   committed, result.json written once (the worker's own result always wins).
 * - cancel: delete the run's Jobs with propagationPolicy Background; workers get SIGTERM and commit.
 */
export class KubernetesExecutor implements Executor {
  readonly name = 'kubernetes' as const;
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly jobs: ClusterWatch<V1Job>;
  private readonly pods: ClusterWatch<V1Pod>;
  private readonly timing: KubernetesTiming;
  private readonly now: () => Date;
  private readonly finishLost: FinishLost;
  private readonly runs = new Map<string, RunFile>();
  /** Runs whose agents have all recorded an outcome: the sweep skips them. */
  private readonly finishedRuns = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly copiedLogs = new Set<string>();
  private resyncTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly deps: KubernetesExecutorDeps) {
    const { kubeConfig, settings, logger } = deps;
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.now = deps.now ?? (() => new Date());
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.finishLost =
      deps.finishLostAgent ??
      ((run, index, outcome) =>
        // finishLostAgent logs only through info/error, which ExecutorLogger has.
        finishLostAgent(run, index, outcome, { logger: logger as unknown as Logger, now: this.now }));
    const namespace = settings.namespace;
    this.jobs = new ClusterWatch<V1Job>({
      kubeConfig,
      path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
      labelSelector: MANAGED_SELECTOR,
      list: () => this.batch.listNamespacedJob({ namespace, labelSelector: MANAGED_SELECTOR }),
      onChange: (job) => this.onChange(job),
      logger,
      what: 'jobs',
      backoff: this.timing.watchBackoff,
    });
    this.pods = new ClusterWatch<V1Pod>({
      kubeConfig,
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector: MANAGED_SELECTOR,
      list: () => this.core.listNamespacedPod({ namespace, labelSelector: MANAGED_SELECTOR }),
      onChange: (pod) => this.onChange(pod),
      logger,
      what: 'pods',
      backoff: this.timing.watchBackoff,
    });
    this.jobs.start();
    this.pods.start();
    this.armResync();
  }

  async launch(run: RunFile): Promise<void> {
    this.remember(run);
    await Promise.all(Array.from({ length: run.agents }, (_, index) => this.schedule(run.id, index)));
    // A cancel that raced this launch (on any replica) may have missed the Jobs just created; if this
    // fails, the next evaluation of each agent deletes its Job (see evaluate).
    if (await exists(runPathsAt(run.runDir).cancel)) {
      await this.cancel(run).catch((err: unknown) =>
        this.deps.logger.warn(
          { err: apiMessage(err), run: run.id },
          'could not stop the Jobs of a cancelled run yet',
        ),
      );
    }
  }

  async adopt(run: RunFile): Promise<void> {
    this.remember(run);
    await Promise.all(Array.from({ length: run.agents }, (_, index) => this.schedule(run.id, index)));
  }

  async cancel(run: RunFile): Promise<void> {
    this.remember(run);
    const { namespace } = this.deps.settings;
    const list = await withRetry(() =>
      this.batch.listNamespacedJob({ namespace, labelSelector: runSelector(run.id) }),
    );
    await Promise.all(
      list.items.map(async (job) => {
        const name = job.metadata?.name;
        if (!name) return;
        await this.deleteJob(name, run.id);
      }),
    );
    // Agents that never got a Job are finished here; the others once their pods are gone.
    await Promise.all(Array.from({ length: run.agents }, (_, index) => this.schedule(run.id, index)));
  }

  async ready(): Promise<boolean> {
    if (this.closed) return false;
    const probe = this.batch.listNamespacedJob({ namespace: this.deps.settings.namespace, limit: 1 });
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error('the API server did not answer in time')), 3000).unref();
    });
    return Promise.race([probe, timeout]).then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    await Promise.all([this.jobs.stop(), this.pods.stop()]);
    await Promise.allSettled([...this.running.values()]);
    await this.sweeping;
  }

  /** Resolves once every evaluation started so far (and any it queued) has finished. For tests. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** Looks at every unfinished run on disk and every fanout Job right now. */
  async sweep(): Promise<void> {
    if (this.closed) return;
    const { storageRoot } = this.deps.settings;
    const names = await readdir(storageRoot).catch(() => [] as string[]);
    const work: Promise<void>[] = [];
    for (const name of names) {
      const id = /^run-(.+)$/.exec(name)?.[1];
      if (!id || !isRunId(id) || this.finishedRuns.has(id)) continue;
      const run = await this.runFile(id);
      if (!run) continue;
      const paths = runPathsAt(run.runDir);
      const open: number[] = [];
      for (let index = 0; index < run.agents; index++) {
        if (!(await exists(paths.agent(index).result))) open.push(index);
      }
      if (!open.length) this.finishedRuns.add(id);
      for (const index of open) work.push(this.schedule(id, index));
    }
    for (const object of [...this.jobs.items(), ...this.pods.items()]) work.push(this.scheduleFor(object));
    await Promise.all(work);
  }

  // ---- internals -------------------------------------------------------------------------------

  private remember(run: RunFile): void {
    if (this.runs.size >= RUN_CACHE_LIMIT) this.runs.clear();
    this.runs.set(run.id, run);
  }

  private armResync(): void {
    if (this.closed) return;
    this.resyncTimer = setTimeout(() => {
      this.sweeping = this.sweep()
        .catch((err: unknown) => this.deps.logger.error({ err: String(err) }, 'sweep of runs failed'))
        .finally(() => {
          this.sweeping = null;
          this.armResync();
        });
    }, this.timing.resyncMs);
    this.resyncTimer.unref();
  }

  private onChange(object: V1Job | V1Pod | null): void {
    if (this.closed) return;
    if (object) {
      void this.scheduleFor(object);
      return;
    }
    // A (re)list: look at everything the cluster has.
    for (const item of [...this.jobs.items(), ...this.pods.items()]) void this.scheduleFor(item);
  }

  private scheduleFor(object: V1Job | V1Pod): Promise<void> {
    const labels = object.metadata?.labels ?? {};
    const runId = labels[LABELS.run];
    const index = Number(labels[LABELS.agent]);
    if (!runId || !isRunId(runId) || !Number.isInteger(index) || index < 0) return Promise.resolve();
    return this.schedule(runId, index);
  }

  /** Evaluates one agent; calls that arrive while it runs fold into one more evaluation after it. */
  private schedule(runId: string, index: number): Promise<void> {
    const k = key(runId, index);
    const current = this.running.get(k);
    if (current) {
      this.again.add(k);
      return current;
    }
    const loop = (async () => {
      do {
        this.again.delete(k);
        try {
          await this.evaluate(runId, index);
        } catch (err) {
          this.deps.logger.error({ err: String(err), run: runId, agent: index }, 'could not check an agent');
        }
      } while (this.again.has(k) && !this.closed);
    })().finally(() => this.running.delete(k));
    this.running.set(k, loop);
    return loop;
  }

  private async runFile(id: string): Promise<RunFile | null> {
    const cached = this.runs.get(id);
    if (cached) return cached;
    const file = await readJsonFile(
      runPaths(this.deps.settings.storageRoot, id).runJson,
      runFileSchema,
    ).catch(() => null);
    if (file) {
      if (this.runs.size >= RUN_CACHE_LIMIT) this.runs.clear();
      this.runs.set(id, file);
    }
    return file;
  }

  private cachedPods(runId: string, index: number): V1Pod[] {
    return this.pods
      .items()
      .filter(
        (p) =>
          p.metadata?.labels?.[LABELS.run] === runId && p.metadata.labels[LABELS.agent] === String(index),
      );
  }

  private async evaluate(runId: string, index: number): Promise<void> {
    if (this.closed) return;
    const run = await this.runFile(runId);
    if (!run) return;
    const paths = runPathsAt(run.runDir);
    const agent = paths.agent(index);
    const name = jobName(run.id, index);
    const { namespace } = this.deps.settings;

    const cachedPods = this.cachedPods(run.id, index);
    await this.copyLogs(run, index, cachedPods);
    if (await exists(agent.result)) return;

    const cancelRequested = await exists(paths.cancel);
    let job = this.jobs.get(name, namespace) ?? null;
    const launched = await exists(agent.launch);
    if (job && !launched) await this.writeLaunch(run, index, name); // its creator died before writing it
    if (!job && !launched) {
      if (cancelRequested) {
        await this.record(run, index, {
          kind: 'lost',
          status: 'cancelled',
          error: { code: 'cancelled', message: 'cancelled before it started' },
          stopJob: false,
          workerGone: false,
        });
      } else {
        await this.createJob(run, index);
      }
      return;
    }

    if (cancelRequested && job && !job.metadata?.deletionTimestamp) {
      // A cancel whose replica died before it deleted every Job: finish it here.
      await this.deleteJob(name, run.id);
      return;
    }

    let verdict = this.judge(run, job, cachedPods, cancelRequested);
    if (verdict.kind === 'wait') return;
    // Caches lag: before deciding a worker is gone, ask the API server itself.
    let pods: V1Pod[];
    try {
      job = await this.readJob(name);
      pods = (
        await withRetry(() =>
          this.core.listNamespacedPod({
            namespace,
            labelSelector: `${runSelector(run.id)},${LABELS.agent}=${index}`,
          }),
        )
      ).items;
    } catch (err) {
      this.deps.logger.warn(
        { err: apiMessage(err), run: run.id, agent: index },
        "could not read an agent's Job",
      );
      return;
    }
    verdict = this.judge(run, job, pods, cancelRequested);
    if (verdict.kind === 'wait') return;
    if (verdict.workerGone && !verdict.stopJob) {
      // The worker writes result.json just before it exits; give the shared volume a moment.
      await new Promise((resolve) => setTimeout(resolve, this.timing.settleMs));
      if (await exists(agent.result)) return;
    }
    await this.copyLogs(run, index, pods);
    await this.record(run, index, verdict);
    if (verdict.kind === 'lost' && verdict.stopJob && job) await this.deleteJob(name, run.id);
  }

  private judge(run: RunFile, job: V1Job | null, pods: readonly V1Pod[], cancelRequested: boolean): Verdict {
    return judgeAgent({
      job,
      pods,
      now: this.now(),
      cancelRequested,
      timeoutSeconds: run.timeoutSeconds,
      limits: this.timing.limits,
    });
  }

  private async record(run: RunFile, index: number, verdict: Verdict): Promise<void> {
    if (verdict.kind !== 'lost') return;
    // Commit what the agent left only if it ever ran and nothing can still be writing there.
    const ran = verdict.workerGone && !verdict.stopJob;
    const commitReason = !ran
      ? null
      : verdict.error.code === 'timeout'
        ? SAVE_REASONS.timeout
        : verdict.status === 'cancelled'
          ? SAVE_REASONS.cancelled
          : 'after the worker was lost';
    const wrote = await this.finishLost(run, index, {
      status: verdict.status,
      error: verdict.error,
      commitReason,
    });
    if (wrote) {
      this.deps.logger.warn(
        { run: run.id, agent: index, code: verdict.error.code, reason: verdict.error.message },
        'agent finished without its worker',
      );
    }
  }

  private async createJob(run: RunFile, index: number): Promise<void> {
    const { namespace } = this.deps.settings;
    let body: V1Job;
    try {
      body = buildAgentJob(run, index, this.deps.settings);
    } catch (err) {
      await this.record(
        run,
        index,
        setupFailed(`could not describe the worker's Job: ${(err as Error).message}`),
      );
      return;
    }
    const name = body.metadata?.name ?? jobName(run.id, index);
    try {
      await withRetry(() => this.batch.createNamespacedJob({ namespace, body }));
      this.deps.logger.info({ run: run.id, agent: index, job: name }, 'created the worker Job');
    } catch (err) {
      if (apiStatus(err) !== 409) {
        if (isTransient(err)) {
          // The sweep tries again; no agent is failed for a passing outage of the API server.
          this.deps.logger.warn(
            { err: apiMessage(err), run: run.id, agent: index },
            'could not create a Job yet',
          );
          return;
        }
        await this.record(
          run,
          index,
          setupFailed(`the cluster refused the worker's Job: ${apiMessage(err)}`),
        );
        return;
      }
      // 409: another replica created it; that is success.
    }
    await this.writeLaunch(run, index, name);
  }

  /** launch.json, written once: the agent's Job exists (the agent shows as `starting`). */
  private async writeLaunch(run: RunFile, index: number, name: string): Promise<void> {
    const launch: LaunchFile = { launchedAt: this.now().toISOString(), executor: 'kubernetes', job: name };
    await writeJsonOnce(runPathsAt(run.runDir).agent(index).launch, launch);
  }

  private async readJob(name: string): Promise<V1Job | null> {
    try {
      return await withRetry(() =>
        this.batch.readNamespacedJob({ name, namespace: this.deps.settings.namespace }),
      );
    } catch (err) {
      if (apiStatus(err) === 404) return null;
      throw err;
    }
  }

  private async deleteJob(name: string, runId: string): Promise<void> {
    try {
      // Background: without a propagation policy the Job's pods would be orphaned and keep running.
      await withRetry(() =>
        this.batch.deleteNamespacedJob({
          name,
          namespace: this.deps.settings.namespace,
          propagationPolicy: 'Background',
        }),
      );
      this.deps.logger.info({ run: runId, job: name }, 'deleted the worker Job');
    } catch (err) {
      if (apiStatus(err) !== 404) throw err;
    }
  }

  /**
   * Keeps the worker's log (its stdout and stderr, i.e. the container log) in meta/agent-N/worker.log
   * once its pod has ended, before the Job's TTL removes the pod. First writer wins.
   */
  private async copyLogs(run: RunFile, index: number, pods: readonly V1Pod[]): Promise<void> {
    const ended = pods.filter(
      (p) => isPodFinished(p) && p.status?.containerStatuses?.some((c) => c.state?.terminated),
    );
    const pod = ended.at(-1);
    const podName = pod?.metadata?.name;
    if (!podName || this.copiedLogs.has(podName)) return;
    this.copiedLogs.add(podName);
    const path = runPathsAt(run.runDir).agent(index).log;
    if (await exists(path)) return;
    try {
      const text = await this.core.readNamespacedPodLog({
        name: podName,
        namespace: this.deps.settings.namespace,
        container: WORKER_CONTAINER,
        limitBytes: 10 * 1024 * 1024,
      });
      await writeFile(path, text, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        this.copiedLogs.delete(podName);
        this.deps.logger.warn(
          { err: apiMessage(err), run: run.id, agent: index },
          'could not keep the worker log',
        );
      }
    }
  }
}

function setupFailed(message: string): Verdict {
  return {
    kind: 'lost',
    status: 'failed',
    error: { code: 'setup_failed', message },
    stopJob: false,
    workerGone: false,
  };
}

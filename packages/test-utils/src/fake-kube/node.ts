import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ClusterControl, PropagationPolicy } from './api-server.js';
import {
  clone,
  type Condition,
  type Container,
  type ContainerState,
  type Job,
  type KubeObject,
  type Pod,
  type Secret,
} from './objects.js';
import { NotFound, isoSeconds, type ObjectStore, type StoreEvent } from './store.js';

/**
 * The simulated control plane behind the fake API server: the Job controller, the garbage collector
 * and one node. For each Job it creates a pod; the node starts the pod's container command as a local
 * process with the container's environment (Secrets resolved) and its volumes (a claim must be mounted
 * at its own host path, as fanout's runs volume is; emptyDirs become temp folders), and reports pod and
 * Job status the way Kubernetes does: phases, container states, conditions, the pod failure policy,
 * `activeDeadlineSeconds`, graceful deletion (SIGTERM, then SIGKILL after the grace period), eviction,
 * OOM kills, image pull errors and unschedulable pods.
 */
export interface FakeNodeOptions {
  store: ObjectStore;
  now: () => Date;
  /** What a container's command runs here, e.g. `{ 'fanout-worker': [process.execPath, '/…/bin.js'] }`. */
  commands: Record<string, readonly string[]>;
  /** Host folder of each PersistentVolumeClaim, by claim name. */
  claims: Record<string, string>;
  /** The image's own environment (PATH and the like), under the container's `env`. */
  imageEnv?: Record<string, string>;
  /** Images that cannot be pulled, with what the registry said. */
  unpullable?: Record<string, string>;
  /** Scales `activeDeadlineSeconds` and `ttlSecondsAfterFinished` (e.g. 0.01 makes 100 s into 1 s). */
  timeScale?: number;
  /** Scales pods' termination grace periods. */
  graceScale?: number;
  /** Time between lifecycle steps, so watchers see each state. */
  stepMs?: number;
}

interface RunningPod {
  child: ChildProcess;
  killTimer: NodeJS.Timeout | null;
  oom: boolean;
  eviction: string | null;
  exited: Promise<void>;
}

const JOB_NAME = 'batch.kubernetes.io/job-name';
const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
export const NODE_NAME = 'fake-node';

export class FakeNode implements ClusterControl {
  private readonly running = new Map<string, RunningPod>();
  private readonly logs = new Map<string, string>();
  private readonly scratch = new Map<string, string[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unscheduled = new Set<string>();
  private schedulable = true;
  private unschedulableMessage = '0/1 nodes are available: 1 Insufficient memory.';
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly unsubscribe: () => void;
  /** Errors inside the simulation; tests assert this stays empty. */
  readonly errors: unknown[] = [];

  constructor(private readonly options: FakeNodeOptions) {
    this.unsubscribe = options.store.subscribe((event) => {
      this.queue = this.queue
        .then(() => this.react(event))
        .catch((error: unknown) => {
          this.errors.push(error);
        });
    });
  }

  // ---- what tests do to the cluster ------------------------------------------------------------

  /** Makes new pods wait as unschedulable (false), or schedules the waiting ones (true). */
  setSchedulable(schedulable: boolean, message?: string): void {
    this.schedulable = schedulable;
    if (message) this.unschedulableMessage = message;
    if (schedulable) {
      for (const key of [...this.unscheduled]) {
        this.unscheduled.delete(key);
        const [ns = '', name = ''] = key.split('/');
        void this.runPod(ns, name).catch((error: unknown) => this.errors.push(error));
      }
    }
  }

  /** The kernel kills the container for using too much memory. */
  oomKill(namespace: string, podName: string): void {
    const running = this.running.get(`${namespace}/${podName}`);
    if (!running) throw new Error(`pod ${podName} is not running`);
    running.oom = true;
    killGroup(running.child, 'SIGKILL');
  }

  /** The kubelet evicts the pod (node pressure): DisruptionTarget, SIGTERM, phase Failed, reason Evicted. */
  evict(namespace: string, podName: string, message = 'The node was low on resource: memory.'): void {
    const running = this.running.get(`${namespace}/${podName}`);
    if (!running) throw new Error(`pod ${podName} is not running`);
    running.eviction = message;
    this.updatePod(namespace, podName, (pod) => {
      setCondition(pod.status, this.now(), {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'TerminationByKubelet',
        message,
      });
    });
    this.terminate(namespace, podName, running);
  }

  /** Pods of a Job, by its name. */
  podsOf(namespace: string, jobName: string): Pod[] {
    return this.options.store
      .list('pods', namespace, (o) => o.metadata.labels?.[JOB_NAME] === jobName)
      .map((o) => o as Pod);
  }

  /** Names of pods whose process is running now. */
  runningPods(): string[] {
    return [...this.running.keys()];
  }

  /** Resolves once every queued reaction has run. */
  async settled(): Promise<void> {
    await this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    for (const running of this.running.values()) killGroup(running.child, 'SIGKILL');
    await Promise.all([...this.running.values()].map((r) => r.exited));
    for (const dirs of this.scratch.values()) {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  }

  // ---- ClusterControl: what the API server asks ------------------------------------------------

  prepareCreate(resource: string, object: KubeObject): void {
    if (resource === 'jobs') {
      const job = object as Job;
      const uid = randomUUID();
      const name = job.metadata.name;
      job.metadata.uid = uid;
      job.spec.selector = { matchLabels: { [CONTROLLER_UID]: uid } };
      job.spec.template.metadata = job.spec.template.metadata ?? {};
      job.spec.template.metadata.labels = {
        ...job.spec.template.metadata.labels,
        [CONTROLLER_UID]: uid,
        [JOB_NAME]: name,
        'controller-uid': uid,
        'job-name': name,
      };
      job.spec.backoffLimit = job.spec.backoffLimit ?? 6;
      job.spec.suspend = job.spec.suspend ?? false;
      job.status = {};
    }
    if (resource === 'pods') (object as Pod).status = { phase: 'Pending' };
  }

  deleteJob(namespace: string, name: string, policy: PropagationPolicy): KubeObject {
    const { store } = this.options;
    const job = store.get('jobs', namespace, name);
    if (!job) throw new NotFound(`jobs.batch "${name}" not found`);
    const owned = this.ownedPods(namespace, job.metadata.uid ?? '');
    if (policy === 'Foreground') {
      const marked = store.update('jobs', namespace, name, (j) => {
        j.metadata.deletionTimestamp = isoSeconds(this.now());
        j.metadata.finalizers = ['foregroundDeletion'];
      });
      if (!owned.length) store.remove('jobs', namespace, name);
      return marked;
    }
    if (policy === 'Orphan') {
      for (const pod of owned) {
        store.update('pods', namespace, pod.metadata.name, (p) => {
          delete p.metadata.ownerReferences;
        });
      }
    }
    // Background: the garbage collector deletes the pods once the Job is gone (see react).
    return store.remove('jobs', namespace, name);
  }

  deletePod(namespace: string, name: string, gracePeriodSeconds: number | undefined): KubeObject {
    const pod = this.options.store.get('pods', namespace, name) as Pod | undefined;
    if (!pod) throw new NotFound(`pods "${name}" not found`);
    const running = this.running.get(`${namespace}/${name}`);
    if (!running) {
      this.unscheduled.delete(`${namespace}/${name}`);
      return this.removePod(namespace, name);
    }
    const marked = this.updatePod(namespace, name, (p) => {
      p.metadata.deletionTimestamp = isoSeconds(this.now());
      p.metadata.deletionGracePeriodSeconds =
        gracePeriodSeconds ?? p.spec.terminationGracePeriodSeconds ?? 30;
    });
    this.terminate(namespace, name, running, gracePeriodSeconds);
    return marked;
  }

  podLog(namespace: string, name: string): string | undefined {
    return this.logs.get(`${namespace}/${name}`);
  }

  // ---- the controllers -------------------------------------------------------------------------

  private now(): Date {
    return this.options.now();
  }

  private async react(event: StoreEvent): Promise<void> {
    if (this.closed) return;
    const { metadata } = event.object;
    const ns = metadata.namespace ?? '';
    if (event.resource === 'jobs' && event.type === 'ADDED') await this.startJob(event.object as Job);
    if (event.resource === 'jobs' && event.type === 'DELETED') {
      for (const pod of this.ownedPods(ns, metadata.uid ?? '')) this.deletePodQuietly(ns, pod.metadata.name);
    }
    if (event.resource === 'jobs' && event.type === 'MODIFIED' && metadata.deletionTimestamp) {
      const owned = this.ownedPods(ns, metadata.uid ?? '');
      for (const pod of owned)
        if (!pod.metadata.deletionTimestamp) this.deletePodQuietly(ns, pod.metadata.name);
    }
    if (event.resource === 'pods' && event.type === 'ADDED') {
      void this.runPod(ns, metadata.name).catch((error: unknown) => this.errors.push(error));
    }
    if (event.resource === 'pods' && event.type === 'DELETED') this.afterPodGone(event.object as Pod);
  }

  private async startJob(job: Job): Promise<void> {
    const ns = job.metadata.namespace ?? '';
    const startTime = isoSeconds(this.now());
    this.options.store.update('jobs', ns, job.metadata.name, (j) => {
      (j as Job).status = { ...(j as Job).status, startTime, active: 1 };
    });
    this.createPod(job);
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline !== undefined) {
      this.later(deadline * 1000 * (this.options.timeScale ?? 1), () =>
        this.deadlineExceeded(ns, job.metadata.name),
      );
    }
  }

  private createPod(job: Job): void {
    const ns = job.metadata.namespace ?? '';
    const suffix = Array.from(randomBytes(5), (b) => 'bcdfghjklmnpqrstvwxz2456789'[b % 27]).join('');
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${job.metadata.name}-${suffix}`,
        namespace: ns,
        labels: { ...job.spec.template.metadata?.labels },
        annotations: { ...job.spec.template.metadata?.annotations },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: job.metadata.name,
            uid: job.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: clone(job.spec.template.spec),
      status: { phase: 'Pending', qosClass: 'Burstable' },
    };
    this.options.store.create('pods', pod, this.now());
  }

  private deadlineExceeded(ns: string, name: string): void {
    const job = this.options.store.get('jobs', ns, name) as Job | undefined;
    if (!job || isFinished(job)) return;
    const reason = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    this.failJob(job, reason);
  }

  /** Marks the Job as failing, stops its pods, and marks it Failed once they are gone. */
  private failJob(job: Job, why: { reason: string; message: string }): void {
    const ns = job.metadata.namespace ?? '';
    this.options.store.update('jobs', ns, job.metadata.name, (j) => {
      setCondition((j as Job).status, this.now(), { type: 'FailureTarget', status: 'True', ...why });
    });
    const active = this.ownedPods(ns, job.metadata.uid ?? '').filter((p) => !isTerminal(p));
    for (const pod of active) this.deletePodQuietly(ns, pod.metadata.name);
    this.completeFailureIfIdle(ns, job.metadata.name);
  }

  private completeFailureIfIdle(ns: string, name: string): void {
    const job = this.options.store.get('jobs', ns, name) as Job | undefined;
    if (!job || isFinished(job)) return;
    const target = job.status.conditions?.find((c) => c.type === 'FailureTarget' && c.status === 'True');
    if (!target) return;
    const pods = this.ownedPods(ns, job.metadata.uid ?? '');
    if (pods.some((p) => !isTerminal(p))) return;
    this.options.store.update('jobs', ns, name, (j) => {
      const status = (j as Job).status;
      status.active = 0;
      status.failed = Math.max(1, status.failed ?? 0);
      setCondition(status, this.now(), {
        type: 'Failed',
        status: 'True',
        reason: target.reason ?? 'BackoffLimitExceeded',
        message: target.message ?? '',
      });
    });
    this.armTtl(ns, name);
  }

  private onPodTerminal(pod: Pod): void {
    const ns = pod.metadata.namespace ?? '';
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === 'Job');
    if (!owner) return;
    const job = this.options.store.get('jobs', ns, owner.name) as Job | undefined;
    if (!job || job.metadata.uid !== owner.uid || isFinished(job)) return;
    if (job.status.conditions?.some((c) => c.type === 'FailureTarget')) {
      this.completeFailureIfIdle(ns, job.metadata.name);
      return;
    }
    if (job.metadata.deletionTimestamp) return;
    if (pod.status.phase === 'Succeeded') {
      this.options.store.update('jobs', ns, job.metadata.name, (j) => {
        const status = (j as Job).status;
        status.active = 0;
        status.succeeded = 1;
        status.completionTime = isoSeconds(this.now());
        setCondition(status, this.now(), {
          type: 'SuccessCriteriaMet',
          status: 'True',
          reason: 'CompletionsReached',
        });
        setCondition(status, this.now(), { type: 'Complete', status: 'True', reason: 'CompletionsReached' });
      });
      this.armTtl(ns, job.metadata.name);
      return;
    }
    // The pod failed: the pod failure policy decides, then the backoff limit.
    const verdict = applyPodFailurePolicy(job, pod);
    if (verdict?.action === 'FailJob') {
      this.failJob(job, { reason: 'PodFailurePolicy', message: verdict.message });
      return;
    }
    if (verdict?.action === 'Ignore') {
      this.createPod(job);
      return;
    }
    const failed = (job.status.failed ?? 0) + 1;
    this.options.store.update('jobs', ns, job.metadata.name, (j) => {
      (j as Job).status.failed = failed;
    });
    if (failed > (job.spec.backoffLimit ?? 6)) {
      this.failJob(job, {
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      });
    } else {
      this.createPod(job);
    }
  }

  private afterPodGone(pod: Pod): void {
    const ns = pod.metadata.namespace ?? '';
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === 'Job');
    if (!owner) return;
    const job = this.options.store.get('jobs', ns, owner.name) as Job | undefined;
    if (!job || job.metadata.uid !== owner.uid) return;
    if (job.metadata.deletionTimestamp && !this.ownedPods(ns, owner.uid).length) {
      this.options.store.remove('jobs', ns, owner.name);
      return;
    }
    this.completeFailureIfIdle(ns, owner.name);
  }

  private armTtl(ns: string, name: string): void {
    const job = this.options.store.get('jobs', ns, name) as Job | undefined;
    const ttl = job?.spec.ttlSecondsAfterFinished;
    if (ttl === undefined) return;
    this.later(ttl * 1000 * (this.options.timeScale ?? 1), () => {
      const current = this.options.store.get('jobs', ns, name);
      if (current && current.metadata.uid === job?.metadata.uid) this.deleteJob(ns, name, 'Background');
    });
  }

  // ---- the node (kubelet) ----------------------------------------------------------------------

  private async runPod(ns: string, name: string): Promise<void> {
    const key = `${ns}/${name}`;
    await this.step();
    let pod = this.options.store.get('pods', ns, name) as Pod | undefined;
    if (!pod || pod.metadata.deletionTimestamp || this.closed) return;
    if (!this.schedulable) {
      this.unscheduled.add(key);
      this.updatePod(ns, name, (p) => {
        setCondition(p.status, this.now(), {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: this.unschedulableMessage,
        });
      });
      return;
    }
    this.updatePod(ns, name, (p) => {
      p.spec.nodeName = NODE_NAME;
      setCondition(p.status, this.now(), { type: 'PodScheduled', status: 'True' });
      p.status.hostIP = '192.168.49.2';
    });
    await this.step();
    pod = this.options.store.get('pods', ns, name) as Pod | undefined;
    if (!pod || pod.metadata.deletionTimestamp || this.closed) return;
    const container = pod.spec.containers[0];
    if (!container) throw new Error(`pod ${name} has no container`);

    const pullError = this.options.unpullable?.[container.image];
    if (pullError !== undefined) {
      this.setWaiting(ns, name, container, 'ErrImagePull', pullError);
      await this.step();
      this.setWaiting(ns, name, container, 'ImagePullBackOff', `Back-off pulling image "${container.image}"`);
      return;
    }
    let setup: { env: Record<string, string>; cwd: string; argv: string[] };
    try {
      setup = await this.prepareContainer(pod, container);
    } catch (error) {
      this.setWaiting(ns, name, container, 'CreateContainerConfigError', (error as Error).message);
      return;
    }
    const [command, ...args] = setup.argv;
    const startedAt = isoSeconds(this.now());
    let child: ChildProcess;
    try {
      if (!command)
        throw new Error(`exec: "${container.command?.[0] ?? ''}": executable file not found in $PATH`);
      child = spawn(command, args, {
        cwd: setup.cwd,
        env: setup.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      this.finishPod(ns, name, container, {
        code: 128,
        signal: null,
        startedAt,
        startError: (error as Error).message,
      });
      return;
    }
    let onExit: () => void = () => undefined;
    const running: RunningPod = {
      child,
      killTimer: null,
      oom: false,
      eviction: null,
      exited: new Promise<void>((resolve) => (onExit = resolve)),
    };
    this.running.set(key, running);
    this.logs.set(key, '');
    const append = (chunk: Buffer) => {
      const text = (this.logs.get(key) ?? '') + chunk.toString('utf8');
      this.logs.set(key, text.length > 1_000_000 ? text.slice(-1_000_000) : text);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    let spawnError: string | null = null;
    child.once('error', (error) => {
      spawnError = error.message;
    });
    child.once('close', (code, signal) => {
      if (running.killTimer) clearTimeout(running.killTimer);
      this.running.delete(key);
      if (!this.closed) {
        this.finishPod(ns, name, container, {
          code,
          signal,
          startedAt,
          oom: running.oom,
          eviction: running.eviction,
          ...(spawnError ? { startError: spawnError } : {}),
        });
      }
      onExit();
    });
    if (child.pid !== undefined) {
      this.updatePod(ns, name, (p) => {
        p.status.phase = 'Running';
        p.status.startTime = p.status.startTime ?? startedAt;
        p.status.podIP = '10.244.0.' + String(1 + ((child.pid ?? 0) % 250));
        for (const type of ['Initialized', 'Ready', 'ContainersReady']) {
          setCondition(p.status, this.now(), { type, status: 'True' });
        }
        p.status.containerStatuses = [containerStatus(container, { running: { startedAt } }, true)];
      });
    }
  }

  private async prepareContainer(
    pod: Pod,
    container: Container,
  ): Promise<{ env: Record<string, string>; cwd: string; argv: string[] }> {
    const ns = pod.metadata.namespace ?? '';
    const env: Record<string, string> = { ...this.options.imageEnv };
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) {
        env[variable.name] = variable.value;
        continue;
      }
      const ref = variable.valueFrom?.secretKeyRef;
      if (!ref) continue;
      const secret = this.options.store.get('secrets', ns, ref.name) as Secret | undefined;
      const value =
        secret?.stringData?.[ref.key] ??
        (secret?.data?.[ref.key] !== undefined
          ? Buffer.from(secret.data[ref.key] ?? '', 'base64').toString()
          : undefined);
      if (value !== undefined) env[variable.name] = value;
      else if (!ref.optional) {
        throw new Error(
          secret
            ? `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`
            : `secret "${ref.name}" not found`,
        );
      }
    }
    // Volumes: a claim must land on its own host path (processes here cannot see a remapped path);
    // an emptyDir becomes a temp folder, and variables pointing into it follow it there.
    const remaps: [string, string][] = [];
    const dirs: string[] = [];
    this.scratch.set(`${ns}/${pod.metadata.name}`, dirs);
    for (const mount of container.volumeMounts ?? []) {
      const volume = pod.spec.volumes?.find((v) => v.name === mount.name);
      if (volume?.emptyDir) {
        const dir = await mkdtemp(join(tmpdir(), 'fake-kube-emptydir-'));
        dirs.push(dir);
        remaps.push([mount.mountPath, dir]);
      } else if (volume?.persistentVolumeClaim) {
        const root = this.options.claims[volume.persistentVolumeClaim.claimName];
        if (root === undefined) {
          throw new Error(`persistentvolumeclaim "${volume.persistentVolumeClaim.claimName}" not found`);
        }
        const hostPath = mount.subPath ? join(root, mount.subPath) : root;
        if (resolve(hostPath) !== resolve(mount.mountPath)) {
          throw new Error(
            `fake-kube: ${mount.mountPath} would need ${hostPath} mounted there, and local processes cannot remap paths`,
          );
        }
        await mkdir(hostPath, { recursive: true });
        remaps.push([mount.mountPath, mount.mountPath]);
      } else {
        throw new Error(`fake-kube: volume ${mount.name} is of a type this node does not simulate`);
      }
    }
    // The most specific mount wins, as in a container (a claim under /tmp is not in the /tmp emptyDir).
    remaps.sort(([a], [b]) => b.length - a.length);
    const remap = (value: string) => {
      for (const [from, to] of remaps) {
        if (value === from) return to;
        if (value.startsWith(`${from}/`)) return to + value.slice(from.length);
      }
      return value;
    };
    for (const [name, value] of Object.entries(env)) env[name] = remap(value);
    const [entry, ...rest] = container.command ?? [];
    const program = entry === undefined ? undefined : this.options.commands[entry];
    const argv = program ? [...program, ...rest, ...(container.args ?? [])] : [];
    return { env, cwd: remap(container.workingDir ?? tmpdir()), argv };
  }

  private finishPod(
    ns: string,
    name: string,
    container: Container,
    how: {
      code: number | null;
      signal: NodeJS.Signals | null;
      startedAt: string;
      oom?: boolean;
      eviction?: string | null;
      startError?: string;
    },
  ): void {
    const signalNumber = how.signal ? constants.signals[how.signal] : undefined;
    const exitCode = how.oom ? 137 : (how.code ?? 128 + (signalNumber ?? 9));
    const reason = how.startError
      ? 'StartError'
      : how.oom
        ? 'OOMKilled'
        : exitCode === 0
          ? 'Completed'
          : 'Error';
    const pod = this.options.store.get('pods', ns, name) as Pod | undefined;
    if (!pod) return;
    const updated = this.updatePod(ns, name, (p) => {
      p.status.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
      if (how.eviction) {
        p.status.phase = 'Failed';
        p.status.reason = 'Evicted';
        p.status.message = how.eviction;
      }
      for (const type of ['Ready', 'ContainersReady']) {
        setCondition(p.status, this.now(), { type, status: 'False', reason: 'PodCompleted' });
      }
      p.status.containerStatuses = [
        containerStatus(
          container,
          {
            terminated: {
              exitCode,
              reason,
              ...(how.startError ? { message: how.startError } : {}),
              ...(signalNumber !== undefined && !how.oom ? { signal: signalNumber } : {}),
              startedAt: how.startedAt,
              finishedAt: isoSeconds(this.now()),
            },
          },
          false,
        ),
      ];
    }) as Pod;
    this.onPodTerminal(updated);
    if (updated.metadata.deletionTimestamp) this.removePod(ns, name);
  }

  private terminate(ns: string, name: string, running: RunningPod, graceSeconds?: number): void {
    killGroup(running.child, 'SIGTERM');
    const pod = this.options.store.get('pods', ns, name) as Pod | undefined;
    const grace = graceSeconds ?? pod?.spec.terminationGracePeriodSeconds ?? 30;
    if (running.killTimer) return;
    running.killTimer = setTimeout(
      () => killGroup(running.child, 'SIGKILL'),
      grace * 1000 * (this.options.graceScale ?? 1),
    );
  }

  private deletePodQuietly(ns: string, name: string): void {
    try {
      this.deletePod(ns, name, undefined);
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
    }
  }

  private removePod(ns: string, name: string): KubeObject {
    const key = `${ns}/${name}`;
    this.logs.delete(key);
    const dirs = this.scratch.get(key) ?? [];
    this.scratch.delete(key);
    for (const dir of dirs) void rm(dir, { recursive: true, force: true });
    return this.options.store.remove('pods', ns, name);
  }

  private setWaiting(ns: string, name: string, container: Container, reason: string, message: string): void {
    this.updatePod(ns, name, (p) => {
      p.status.containerStatuses = [containerStatus(container, { waiting: { reason, message } }, false)];
      setCondition(p.status, this.now(), { type: 'Ready', status: 'False', reason: 'ContainersNotReady' });
    });
  }

  private updatePod(ns: string, name: string, change: (pod: Pod) => void): KubeObject {
    return this.options.store.update('pods', ns, name, (o) => change(o as Pod));
  }

  private ownedPods(ns: string, uid: string): Pod[] {
    return this.options.store
      .list('pods', ns, (o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid))
      .map((o) => o as Pod);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) {
        try {
          fn();
        } catch (error) {
          this.errors.push(error);
        }
      }
    }, ms);
    this.timers.add(timer);
  }

  private step(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.options.stepMs ?? 10));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function containerStatus(container: Container, state: ContainerState, ready: boolean) {
  return {
    name: container.name,
    image: container.image,
    imageID: `docker-pullable://${container.image}@sha256:${'0'.repeat(64)}`,
    ready,
    started: state.running !== undefined,
    restartCount: 0,
    state,
  };
}

function setCondition(
  status: { conditions?: Condition[] },
  now: Date,
  condition: Omit<Condition, 'lastTransitionTime'>,
): void {
  const at = isoSeconds(now);
  const conditions = status.conditions ?? [];
  const existing = conditions.find((c) => c.type === condition.type);
  if (existing) {
    if (existing.status !== condition.status) existing.lastTransitionTime = at;
    Object.assign(existing, condition);
  } else {
    conditions.push({ ...condition, lastProbeTime: null, lastTransitionTime: at });
  }
  status.conditions = conditions;
}

function isTerminal(pod: Pod): boolean {
  return pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
}

function isFinished(job: Job): boolean {
  return (job.status.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/** The first rule of the Job's pod failure policy that matches the failed pod, with the Job's message. */
export function applyPodFailurePolicy(job: Job, pod: Pod): { action: string; message: string } | null {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [index, rule] of rules.entries()) {
    if (rule.onPodConditions) {
      const hit = rule.onPodConditions.find((pattern) =>
        (pod.status.conditions ?? []).some(
          (c) => c.type === pattern.type && c.status === (pattern.status ?? 'True'),
        ),
      );
      if (hit) {
        return {
          action: rule.action,
          message: `Pod ${where} has condition ${hit.type} matching ${rule.action} rule at index ${index}`,
        };
      }
    }
    if (rule.onExitCodes) {
      const { containerName, operator, values } = rule.onExitCodes;
      for (const status of pod.status.containerStatuses ?? []) {
        const code = status.state.terminated?.exitCode;
        if (code === undefined || code === 0) continue;
        if (containerName && status.name !== containerName) continue;
        const inList = values.includes(code);
        if (operator === 'In' ? inList : !inList) {
          return {
            action: rule.action,
            message: `Container ${status.name} for pod ${where} failed with exit code ${code} matching ${rule.action} rule at index ${index}`,
          };
        }
      }
    }
  }
  return null;
}

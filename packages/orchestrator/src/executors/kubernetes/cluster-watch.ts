import {
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { ExecutorLogger } from './kube-api.js';

/**
 * A list-and-watch of one kind of object (an informer) that keeps going. The client relists by itself
 * after `410 Gone` and re-watches when the server ends a watch, but any other failure (5xx, a reset or
 * refused connection, a failed list) stops it for good after calling its error listeners: here it is
 * started again, with an exponential backoff that resets once a start succeeds.
 */
export interface ClusterWatchOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** e.g. `/apis/batch/v1/namespaces/backend/jobs`. */
  path: string;
  labelSelector: string;
  /** The list call, with the same label selector (the informer needs it in both places). */
  list: () => Promise<KubernetesListObject<T>>;
  /** Called for every added, changed or deleted object, and after every (re)list. */
  onChange: (object: T | null) => void;
  logger: ExecutorLogger;
  what: string;
  backoff?: { minMs: number; maxMs: number };
}

export class ClusterWatch<T extends KubernetesObject> {
  private informer: (Informer<T> & ObjectCache<T>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delay: number;
  private stopped = false;
  private failedSinceStart = false;
  private started = false;

  constructor(private readonly options: ClusterWatchOptions<T>) {
    this.delay = options.backoff?.minMs ?? 1000;
  }

  /** True once a list has succeeded and no failure has happened since. */
  get healthy(): boolean {
    return this.started && !this.failedSinceStart && !this.stopped;
  }

  /** Objects as last seen (empty until the first list succeeds). */
  items(): readonly T[] {
    return this.informer?.list() ?? [];
  }

  get(name: string, namespace: string): T | undefined {
    return this.informer?.get(name, namespace);
  }

  start(): void {
    const { kubeConfig, path, list, labelSelector, onChange } = this.options;
    const informer = makeInformer<T>(kubeConfig, path, list, labelSelector);
    informer.on('add', (o) => onChange(o));
    informer.on('update', (o) => onChange(o));
    informer.on('delete', (o) => onChange(o));
    informer.on('error', (err: unknown) => this.failed(err));
    this.informer = informer;
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.informer?.stop();
  }

  private async run(): Promise<void> {
    if (this.stopped || !this.informer) return;
    this.failedSinceStart = false;
    try {
      // Resolves once the list is done and the watch has its response headers, or after an error.
      await this.informer.start();
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.failedSinceStart || this.stopped) return;
    this.started = true;
    this.delay = this.options.backoff?.minMs ?? 1000;
    this.options.onChange(null);
  }

  private failed(err: unknown): void {
    if (this.stopped) return;
    this.failedSinceStart = true;
    if (this.timer) return;
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.backoff?.maxMs ?? 30_000);
    this.options.logger.warn(
      { err: describeError(err), retryInMs: delay, watch: this.options.what },
      'watch of the cluster failed; starting it again',
    );
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, jitter(delay));
  }
}

function jitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

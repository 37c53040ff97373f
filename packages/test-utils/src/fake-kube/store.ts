import { randomUUID } from 'node:crypto';
import { clone, type KubeObject } from './objects.js';

/**
 * The fake API server's storage: objects by resource, one resourceVersion counter for all of them (as
 * etcd has), and a bounded history of changes so a watch can resume from a resourceVersion, or be told
 * `410 Gone` once that version has been compacted away.
 */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  resource: string;
  type: WatchEventType;
  object: KubeObject;
}

type Listener = (event: StoreEvent) => void;

export class Conflict extends Error {}
export class NotFound extends Error {}

export class ObjectStore {
  private rv = 1000;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  /** Resuming from a version older than this answers 410 Gone. */
  private oldest = 1000;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly historyLimit = 10_000) {}

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestResumable(): number {
    return this.oldest;
  }

  private table(resource: string): Map<string, KubeObject> {
    let table = this.objects.get(resource);
    if (!table) {
      table = new Map();
      this.objects.set(resource, table);
    }
    return table;
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    const found = this.table(resource).get(`${namespace}/${name}`);
    return found ? clone(found) : undefined;
  }

  list(
    resource: string,
    namespace: string | null,
    match: (o: KubeObject) => boolean = () => true,
  ): KubeObject[] {
    return [...this.table(resource).values()]
      .filter((o) => (namespace === null || o.metadata.namespace === namespace) && match(o))
      .map((o) => clone(o));
  }

  create(resource: string, object: KubeObject, now: Date): KubeObject {
    const namespace = object.metadata.namespace ?? '';
    const key = `${namespace}/${object.metadata.name}`;
    const table = this.table(resource);
    if (table.has(key)) throw new Conflict(`${resource} "${object.metadata.name}" already exists`);
    const stored = clone(object);
    stored.metadata = {
      ...stored.metadata,
      namespace,
      uid: stored.metadata.uid ?? randomUUID(),
      generation: 1,
      creationTimestamp: isoSeconds(now),
      resourceVersion: this.next(),
    };
    table.set(key, stored);
    this.record(resource, 'ADDED', stored);
    return clone(stored);
  }

  /** Replaces an object by name with `change(object)`; a no-op change is still a new version. */
  update(resource: string, namespace: string, name: string, change: (o: KubeObject) => void): KubeObject {
    const table = this.table(resource);
    const current = table.get(`${namespace}/${name}`);
    if (!current) throw new NotFound(`${resource} "${name}" not found`);
    const next = clone(current);
    change(next);
    next.metadata.resourceVersion = this.next();
    table.set(`${namespace}/${name}`, next);
    this.record(resource, 'MODIFIED', next);
    return clone(next);
  }

  remove(resource: string, namespace: string, name: string): KubeObject {
    const table = this.table(resource);
    const current = table.get(`${namespace}/${name}`);
    if (!current) throw new NotFound(`${resource} "${name}" not found`);
    table.delete(`${namespace}/${name}`);
    const gone = clone(current);
    gone.metadata.resourceVersion = this.next();
    this.record(resource, 'DELETED', gone);
    return clone(gone);
  }

  /** Changes after `rv`, or null when they are no longer known (the watch must relist). */
  since(rv: number): StoreEvent[] | null {
    if (rv < this.oldest) return null;
    return this.history.filter((e) => e.rv > rv).map((e) => ({ ...e, object: clone(e.object) }));
  }

  /** Forgets all history, as etcd compaction does: resuming from any older version gets 410. */
  compact(): void {
    this.history = [];
    this.oldest = this.rv;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private next(): string {
    this.rv += 1;
    return String(this.rv);
  }

  private record(resource: string, type: WatchEventType, object: KubeObject): void {
    const event: StoreEvent = {
      rv: Number(object.metadata.resourceVersion),
      resource,
      type,
      object: clone(object),
    };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.oldest = (dropped.at(-1)?.rv ?? this.oldest) + 1;
    }
    for (const listener of [...this.listeners]) listener({ ...event, object: clone(object) });
  }
}

/** Kubernetes timestamps have second precision. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

import { FakeApiServer, type PolicyRule } from './api-server.js';
import { FakeNode, type FakeNodeOptions } from './node.js';
import type { Job, Pod, Secret } from './objects.js';
import { ObjectStore } from './store.js';

export { FakeApiServer, RESOURCES, type Fault, type PolicyRule, type RecordedCall } from './api-server.js';
export { FakeNode, NODE_NAME, applyPodFailurePolicy, type FakeNodeOptions } from './node.js';
export { ObjectStore, isoSeconds, type StoreEvent } from './store.js';
export { parseLabelSelector } from './label-selector.js';
export type { Condition, Job, KubeObject, Pod, Secret } from './objects.js';

export interface FakeKubeOptions extends Omit<FakeNodeOptions, 'store' | 'now'> {
  now?: () => Date;
  /** RBAC rules every request must fit (as for the orchestrator's ServiceAccount); none = allow all. */
  rules?: PolicyRule[];
  watchTimeoutMs?: number;
}

/**
 * A Kubernetes API server and one node, simulated on loopback for tests (see api-server.ts and
 * node.ts). `kubeConfig` is what `new KubeConfig().loadFromOptions(...)` takes.
 */
export interface FakeKube {
  url: string;
  store: ObjectStore;
  api: FakeApiServer;
  node: FakeNode;
  kubeConfig: ReturnType<typeof fakeKubeConfig>;
  addSecret(namespace: string, name: string, stringData: Record<string, string>): void;
  jobs(namespace: string): Job[];
  pods(namespace: string): Pod[];
  close(): Promise<void>;
}

export async function startFakeKube(options: FakeKubeOptions): Promise<FakeKube> {
  const now = options.now ?? (() => new Date());
  const store = new ObjectStore();
  const node = new FakeNode({ ...options, store, now });
  const api = new FakeApiServer({
    store,
    control: node,
    now,
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.watchTimeoutMs ? { watchTimeoutMs: options.watchTimeoutMs } : {}),
  });
  const url = await api.listen();
  return {
    url,
    store,
    api,
    node,
    kubeConfig: fakeKubeConfig(url),
    addSecret(namespace, name, stringData) {
      const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData };
      store.create('secrets', secret, now());
    },
    jobs: (namespace) => store.list('jobs', namespace) as Job[],
    pods: (namespace) => store.list('pods', namespace) as Pod[],
    async close() {
      await api.close();
      await node.close();
    },
  };
}

/** Options for `KubeConfig.loadFromOptions`: plain http needs `skipTLSVerify`, or every call fails. */
export function fakeKubeConfig(url: string) {
  return {
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'fanout-orchestrator', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fanout-orchestrator', namespace: 'backend' }],
    currentContext: 'fake',
  };
}

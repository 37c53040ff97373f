import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { isFinalRunStatus } from '@fanout/shared';
import { WORKER_NODE_FLAGS, workerBundlePath } from '@fanout/worker';
import { ConfigError, type Config } from './config.js';
import type { Executor } from './executors/executor.js';
import { LocalExecutor } from './executors/local/local-executor.js';
import { createApp } from './http/app.js';
import type { Logger } from './logger.js';
import { RunStore } from './runs/run-store.js';

export interface Orchestrator {
  url: string;
  store: RunStore;
  executor: Executor;
  /** Resolves once every unfinished run found on disk at start-up has been handed to the executor. */
  adopted: Promise<void>;
  close(): Promise<void>;
}

export interface StartDeps {
  logger: Logger;
  /** The environment workers start from. */
  env: Record<string, string | undefined>;
  /** Overrides the executor (tests, and the kubernetes executor's own start-up). */
  executor?: Executor;
}

/**
 * The `fanout-worker` command: the worker package's launcher, run by this Node.js with the workers' V8 flags
 * (less memory per worker; the same flags its code cache was made with).
 */
export function localWorkerCommand(): string[] {
  return [process.execPath, ...WORKER_NODE_FLAGS, workerBundlePath()];
}

async function createExecutor(config: Config, deps: StartDeps): Promise<Executor> {
  if (deps.executor) return deps.executor;
  if (config.executor === 'kubernetes') {
    // Loaded only in Kubernetes mode: the client library is large and the local mode never needs it.
    const { kubernetesExecutorFromEnv } = await import('./executors/kubernetes/index.js');
    const base = { storage: config.storage, namespace: config.namespace, workerImage: config.workerImage };
    try {
      return kubernetesExecutorFromEnv(base, deps.env, deps.logger);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  return new LocalExecutor({
    concurrency: config.concurrency,
    killGraceMs: config.killGraceSeconds * 1000,
    workerCommand: localWorkerCommand(),
    env: deps.env,
    logger: deps.logger,
  });
}

/** Runs read at once at start-up: enough to keep the file system busy, few enough to leave room for requests. */
const ADOPT_CONCURRENCY = 8;

/**
 * Hands every unfinished run on disk to the executor, which re-adopts or finishes its agents. Reading a run
 * also caches it when it is finished, newest first, which is what the first `GET /api/runs` asks for.
 */
async function adoptRuns(store: RunStore, executor: Executor, logger: Logger): Promise<void> {
  const started = performance.now();
  const ids = await store.ids();
  let next = 0;
  const adoptNext = async (): Promise<void> => {
    for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
      try {
        const run = await store.get(id);
        if (!isFinalRunStatus(run.status)) await executor.adopt(await store.runFile(id));
      } catch (err) {
        logger.warn({ err, run: id }, 'could not read a run at start-up');
      }
    }
  };
  await Promise.all(Array.from({ length: ADOPT_CONCURRENCY }, adoptNext));
  logger.info({ runs: ids.length, ms: Math.round(performance.now() - started) }, 'runs on disk checked');
}

export async function startOrchestrator(config: Config, deps: StartDeps): Promise<Orchestrator> {
  await mkdir(config.storage, { recursive: true });
  const store = new RunStore(config.storage);
  const executor = await createExecutor(config, deps);
  const app = createApp({ config, store, executor, logger: deps.logger });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  deps.logger.info(
    { url, storage: config.storage, executor: executor.name },
    'fanout orchestrator listening',
  );
  const adopted = adoptRuns(store, executor, deps.logger);
  return {
    url,
    store,
    executor,
    adopted,
    async close() {
      await adopted.catch(() => undefined);
      await executor.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SSE streams would hold the server open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}

/**
 * Variables that cost a worker's own Node.js process work at start-up and that only what it starts needs.
 *
 * Node.js 20 reads and parses every certificate named by `NODE_EXTRA_CA_CERTS` as it starts, before any
 * script runs: with a system bundle of 150 certificates that is about 0.09 CPU-seconds, a third of what a
 * whole worker uses (BENCHMARKS.md). A worker opens no TLS connection itself; Claude Code, the run's setup
 * and check commands may. So executors start a worker with the variable moved aside
 * (`deferWorkerEnv`), and the worker puts it back into its environment before it starts anything
 * (`restoreDeferredEnv`).
 */
export const DEFERRED_ENV: Readonly<Record<string, string>> = {
  NODE_EXTRA_CA_CERTS: 'FANOUT_NODE_EXTRA_CA_CERTS',
};

/** The environment to start a worker with: `env` with each deferred variable under its stand-in name. */
export function deferWorkerEnv<T extends Record<string, string | undefined>>(env: T): T {
  const out: Record<string, string | undefined> = { ...env };
  for (const [name, standIn] of Object.entries(DEFERRED_ENV)) {
    if (out[name] === undefined) continue;
    out[standIn] = out[name];
    delete out[name];
  }
  return out as T;
}

/** Inside the worker, first: puts each deferred variable back under its own name, for all it starts. */
export function restoreDeferredEnv(env: NodeJS.ProcessEnv): void {
  for (const [name, standIn] of Object.entries(DEFERRED_ENV)) {
    const value = env[standIn];
    if (value === undefined) continue;
    env[name] = value;
    delete env[standIn];
  }
}

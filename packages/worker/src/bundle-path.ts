import { fileURLToPath } from 'node:url';

/**
 * What fanout starts for every agent, locally and in the worker image: `bundle.mjs` writes three files into
 * dist/, next to this module's build.
 * - WORKER_BUNDLE, the launcher: a few lines that load the worker through V8's code cache.
 * - WORKER_MAIN: the worker's bin bundled with the Agent SDK, zod and @fanout/shared into one CommonJS
 *   module (one module loads in about three quarters of the CPU time of the separate ones).
 * - WORKER_CODE_CACHE: V8's compiled code of WORKER_MAIN, made at build time after the bundle's top level
 *   and its warm-up (the Agent SDK) have run, so that no worker compiles that code again (about 0.15
 *   CPU-seconds per agent; BENCHMARKS.md).
 */
export const WORKER_BUNDLE = 'worker.cjs';
export const WORKER_MAIN = 'worker-main.cjs';
export const WORKER_CODE_CACHE = 'worker-main.cjs.v8cache';

/**
 * V8's young generation grows to 16 MB semi-spaces by default; a worker allocates little and gains nothing
 * from that, while one worker per agent pays it in resident memory. `--optimize-for-size` trades speed a
 * worker does not need (it mostly waits for Claude Code) for memory: its USS went from 38 to 27 MB.
 * A worker's heap hardly changes while it waits, yet V8's memory reducer, about 8 s after start-up, ran three
 * full collections on four helper threads to shrink it; `--no-memory-reducer` and `--single-threaded-gc`
 * (collections on the main thread alone use less CPU in all) took a worker's CPU from 0.61 to 0.48 seconds
 * in a run of 20 s, at the same peak USS (BENCHMARKS.md). V8 takes a code cache only from a process with the
 * same flags, so the build makes the cache with these, and the worker image's `fanout-worker` passes them too.
 */
export const WORKER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--optimize-for-size',
  '--no-memory-reducer',
  '--single-threaded-gc',
];

/** Absolute path of the built launcher. */
export function workerBundlePath(): string {
  return fileURLToPath(new URL(`./${WORKER_BUNDLE}`, import.meta.url));
}

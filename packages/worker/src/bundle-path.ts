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
 * A worker's heap hardly changes while it waits, yet V8's memory reducer, about 8 s after start-up, ran three
 * full collections on four helper threads to shrink it; `--no-memory-reducer` and `--single-threaded-gc`
 * (collections on the main thread alone use less CPU in all) took a worker's CPU from 0.61 to 0.48 seconds
 * in a run of 20 s, at the same peak USS (BENCHMARKS.md). Flags that change how V8 compiles or lays out its
 * heap make it refuse the code cache that Node.js ships for its own modules, so that every worker compiled
 * each built-in module it loaded: `--max-semi-space-size=1 --optimize-for-size`, once here for 1 MB less
 * USS, cost a worker about 0.04 CPU-seconds that way (a test checks that these flags keep that cache). V8
 * takes a code cache only from a process with the same flags, so the build makes the worker's own cache with
 * these, and the worker image's `fanout-worker` passes them too.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--no-memory-reducer', '--single-threaded-gc'];

/** Absolute path of the built launcher. */
export function workerBundlePath(): string {
  return fileURLToPath(new URL(`./${WORKER_BUNDLE}`, import.meta.url));
}

import { fileURLToPath } from 'node:url';

/**
 * The worker's bin bundled with its dependencies into one module, which Node.js loads in about three
 * quarters of the CPU time of the separate modules (BENCHMARKS.md). `bundle.mjs` writes it into dist/,
 * next to this module's build; fanout starts it for every agent, locally and in the worker image.
 */
export const WORKER_BUNDLE = 'worker.mjs';

/** Absolute path of the built bundle. */
export function workerBundlePath(): string {
  return fileURLToPath(new URL(`./${WORKER_BUNDLE}`, import.meta.url));
}

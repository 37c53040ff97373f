import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWorker, writeCodeCache } from './launch.js';

/**
 * The entry point fanout starts for every agent (bundled into WORKER_BUNDLE by bundle.mjs). With
 * `--write-code-cache` it loads the worker and writes its code cache instead: the build does that once.
 */
const dir = dirname(fileURLToPath(import.meta.url));
const worker = loadWorker(dir);
if (process.argv[2] === '--write-code-cache') {
  writeCodeCache(dir, worker).catch((error: unknown) => {
    process.stderr.write(`fanout-worker: no code cache written: ${String(error)}\n`);
    process.exitCode = 1;
  });
} else void worker.main(worker.codeCache);

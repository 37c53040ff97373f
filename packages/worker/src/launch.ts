import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script, constants } from 'node:vm';
import { WORKER_CODE_CACHE, WORKER_MAIN } from './bundle-path.js';

/**
 * How the worker's code was compiled: from the code cache (`accepted`), or from source because the cache
 * was `missing`, `stale` (made for another build of the bundle) or `rejected` by V8 (made by another
 * Node.js, or with other V8 flags).
 */
export type CodeCacheUse = 'accepted' | 'rejected' | 'stale' | 'missing';

/** The cache file starts with the SHA-256 of the source it was made from; V8's data follows. */
const DIGEST_BYTES = 32;
const digest = (source: Buffer) => createHash('sha256').update(source).digest();

/** The worker's bundle, loaded: its entry point, and how its code was compiled. */
export interface LoadedWorker {
  main: (codeCache?: CodeCacheUse) => Promise<void>;
  /** Runs what the worker loads later than its top level, so that a code cache taken after it holds it. */
  warmUp?: () => Promise<void>;
  codeCache: CodeCacheUse;
  script: Script;
  /** SHA-256 of the bundle's source. */
  digest: Buffer;
}

/** What Node.js wraps around a CommonJS module. */
type ModuleWrapper = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;

/**
 * Loads WORKER_MAIN from `dir` as Node.js loads a CommonJS module, but compiled by V8 with WORKER_CODE_CACHE
 * when that file was made from this very bundle. V8 checks its own version and flags, and compiles the
 * source itself when the cache does not fit, so a missing or foreign cache costs time, never correctness.
 * (V8 compares only the source's length, hence the digest.)
 */
export function loadWorker(dir: string): LoadedWorker {
  const filename = join(dir, WORKER_MAIN);
  const source = readFileSync(filename);
  let cache: Buffer | null;
  try {
    cache = readFileSync(join(dir, WORKER_CODE_CACHE));
  } catch {
    cache = null;
  }
  const sourceDigest = digest(source);
  const fresh = cache !== null && cache.subarray(0, DIGEST_BYTES).equals(sourceDigest);
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source.toString()}\n})`,
    {
      filename,
      ...(fresh ? { cachedData: cache!.subarray(DIGEST_BYTES) } : {}),
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    },
  );
  const module = { exports: {} as { main?: LoadedWorker['main']; warmUp?: LoadedWorker['warmUp'] } };
  (script.runInThisContext() as ModuleWrapper)(
    module.exports,
    createRequire(filename),
    module,
    filename,
    dir,
  );
  const { main, warmUp } = module.exports;
  if (typeof main !== 'function') throw new Error(`${filename} exports no main()`);
  const codeCache =
    cache === null ? 'missing' : !fresh ? 'stale' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return {
    main,
    ...(typeof warmUp === 'function' ? { warmUp } : {}),
    codeCache,
    script,
    digest: sourceDigest,
  };
}

/**
 * Writes V8's code cache of a loaded worker into `dir` (atomically: a worker starting meanwhile reads the
 * old file or the new one). Made after the bundle's top level and the worker's `warmUp()` (the Agent SDK)
 * have run, so it holds the functions that ran while loading, not only the top level: compiled lazily, the
 * SDK's start-up code cost every worker about 0.07 CPU-seconds (BENCHMARKS.md).
 */
export async function writeCodeCache(dir: string, worker: LoadedWorker): Promise<void> {
  await worker.warmUp?.();
  const target = join(dir, WORKER_CODE_CACHE);
  const temp = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, Buffer.concat([worker.digest, worker.script.createCachedData()]));
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

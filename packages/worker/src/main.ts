// First: it sets how zod parses before any schema is made (see there).
import './zod-setup.js';
import { loadAgentSdk } from './agent-sdk.js';
import { restoreDeferredEnv } from './deferred-env.js';
import type { CodeCacheUse } from './launch.js';
import { runWorker } from './run-agent.js';

/**
 * fanout-worker: runs one agent of a run; settings come from the environment (see config.ts). The launcher
 * (launch.ts) calls it once the bundle is loaded, saying whether V8 took the code cache.
 */
export async function main(codeCache?: CodeCacheUse): Promise<void> {
  restoreDeferredEnv(process.env);
  const code = await runWorker({ env: process.env, ...(codeCache ? { codeCache } : {}) }).catch(
    (error: unknown) => {
      process.stderr.write(
        `fanout-worker: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      return 1;
    },
  );
  // Exit even if something (a stray timer, an SDK handle) would keep the event loop alive.
  process.exitCode = code;
  process.stderr.write('', () => process.exit(code));
}

/**
 * What the build runs before it takes the code cache: the Agent SDK, which a worker loads only once its
 * agent starts, so that the cache holds the SDK's compiled start-up code as well as the worker's own.
 */
export async function warmUp(): Promise<void> {
  await loadAgentSdk();
}

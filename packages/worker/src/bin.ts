#!/usr/bin/env node
import { runWorker } from './run-agent.js';

/** fanout-worker: runs one agent of a run; settings come from the environment (see config.ts). */
const code = await runWorker({ env: process.env }).catch((error: unknown) => {
  process.stderr.write(
    `fanout-worker: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  return 1;
});
// Exit even if something (a stray timer, an SDK handle) would keep the event loop alive.
process.exitCode = code;
process.stderr.write('', () => process.exit(code));

#!/usr/bin/env node
// Bundles the built worker into dist/ (names and reasons in src/bundle-path.ts): the worker's main module
// with the Agent SDK, zod and @fanout/shared as one CommonJS module; the launcher that fanout starts; and
// V8's code cache of the main module, made by running the launcher once with the workers' own V8 flags
// (V8 takes a cache only from a process with the same flags and the same Node.js).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WORKER_BUNDLE, WORKER_CODE_CACHE, WORKER_MAIN, WORKER_NODE_FLAGS } from './dist/bundle-path.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // The SDK finds its own files from import.meta.url, which CommonJS does not have.
  define: { 'import.meta.url': '__importMetaUrl' },
  // Without comments and indentation the bundle is a fifth smaller, and Latin-1 only (its comments held
  // the only wider characters), so V8 keeps its source one byte per character: 7 MB less RSS per worker.
  // Names are kept, so stack traces in worker.log still read.
  minifyWhitespace: true,
  banner: { js: 'var __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};
rmSync(join(dist, WORKER_CODE_CACHE), { force: true });
await build({ ...common, entryPoints: [join(dist, 'main.js')], outfile: join(dist, WORKER_MAIN) });
await build({ ...common, entryPoints: [join(dist, 'launcher.js')], outfile: join(dist, WORKER_BUNDLE) });
execFileSync(process.execPath, [...WORKER_NODE_FLAGS, join(dist, WORKER_BUNDLE), '--write-code-cache'], {
  stdio: 'inherit',
});

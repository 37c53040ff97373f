#!/usr/bin/env node
// Bundles the built worker (dist/bin.js), the Agent SDK, zod and @fanout/shared into one ES module
// (src/bundle-path.ts names it), which is what fanout starts for every agent. Node.js 20 loads it in 0.45
// CPU-seconds against 0.6 for the separate modules (BENCHMARKS.md). It stays an ES module in dist/, so
// the SDK still finds Claude Code's binary in node_modules from its own `import.meta.url`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { workerBundlePath } from './dist/bundle-path.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');
await build({
  entryPoints: [join(dist, 'bin.js')],
  outfile: workerBundlePath(),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});

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
/**
 * The Agent SDK's `/core` entry imports these three modules of the MCP SDK for in-process MCP servers, which a
 * worker never makes: in the worker's bundle they are replaced by src/mcp-server-stub.ts (its comment says
 * why). Only imports from the Agent SDK are replaced; a name the stub lacks fails the build.
 */
const MCP_SERVER_MODULES =
  /^@modelcontextprotocol\/sdk\/server\/(mcp|zod-compat|zod-json-schema-compat)\.js$/;
const AGENT_SDK = /[\\/]node_modules[\\/]@anthropic-ai[\\/]claude-agent-sdk[\\/]/;
const withoutMcpServer = {
  name: 'without-mcp-server',
  setup(build) {
    build.onResolve({ filter: MCP_SERVER_MODULES }, ({ importer }) =>
      AGENT_SDK.test(importer) ? { path: join(dist, 'mcp-server-stub.js') } : undefined,
    );
  },
};

/**
 * zod's modules are reached both from the worker's own code and from the lazily loaded Agent SDK, so esbuild
 * wraps them to run on first use; and since zod's package.json says its modules have no side effects,
 * esbuild left out that first run before the worker's own first call into zod (`z.config()` found zod's
 * settings unset). Marking the `zod` entry as having side effects puts the run back.
 */
const zodInitialised = {
  name: 'zod-initialised',
  setup(build) {
    build.onResolve({ filter: /^zod$/ }, async ({ kind, resolveDir, pluginData }) => {
      if (pluginData === 'zod-initialised') return undefined;
      const resolved = await build.resolve('zod', { kind, resolveDir, pluginData: 'zod-initialised' });
      return resolved.errors.length > 0 ? resolved : { ...resolved, sideEffects: true };
    });
  },
};

rmSync(join(dist, WORKER_CODE_CACHE), { force: true });
await build({
  ...common,
  entryPoints: [join(dist, 'main.js')],
  outfile: join(dist, WORKER_MAIN),
  plugins: [withoutMcpServer, zodInitialised],
});
await build({ ...common, entryPoints: [join(dist, 'launcher.js')], outfile: join(dist, WORKER_BUNDLE) });
execFileSync(process.execPath, [...WORKER_NODE_FLAGS, join(dist, WORKER_BUNDLE), '--write-code-cache'], {
  stdio: 'inherit',
});

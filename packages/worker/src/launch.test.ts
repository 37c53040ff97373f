import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import {
  TEST_MODEL,
  claudeEnvFor,
  scriptByAgent,
  startScriptedModel,
  steps,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_BUNDLE, WORKER_CODE_CACHE, WORKER_MAIN, WORKER_NODE_FLAGS } from './bundle-path.js';
import { loadWorker, writeCodeCache } from './launch.js';
import { createRunFixture } from './testing/run-fixture.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fanout-launch-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A stand-in for the worker's bundle: a CommonJS module whose main() reports what it was given. */
const FAKE_MAIN = `
const { basename } = require('node:path');
exports.main = async (codeCache) => ({ codeCache, file: basename(__filename), answer: square(7) });
function square(n) { return n * n; }
`;

/**
 * A folder with a stand-in bundle and, optionally, a code cache. Each load gets a folder of its own: V8
 * keeps what it compiled for a file name in memory, which would hide whether it took the cache.
 */
async function bundleDir(source: string, cache?: Buffer | string): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, WORKER_MAIN), source);
  if (cache !== undefined) await writeFile(join(dir, WORKER_CODE_CACHE), cache);
  return dir;
}

describe('loadWorker', () => {
  it('loads the bundle as a CommonJS module, and says there was no code cache', async () => {
    const worker = loadWorker(await bundleDir(FAKE_MAIN));
    expect(worker.codeCache).toBe('missing');
    expect(await worker.main('missing')).toEqual({ codeCache: 'missing', file: WORKER_MAIN, answer: 49 });
  });

  it('takes the code cache made from the same bundle, and compiles the source when it does not fit', async () => {
    const first = await bundleDir(FAKE_MAIN);
    await writeCodeCache(first, loadWorker(first));
    const cache = await readFile(join(first, WORKER_CODE_CACHE));
    expect(cache.length).toBeGreaterThan(32);
    expect(loadWorker(await bundleDir(FAKE_MAIN, cache)).codeCache).toBe('accepted');

    // V8's own data spoiled, the digest intact: V8 refuses it.
    const spoiled = Buffer.concat([cache.subarray(0, 32), Buffer.from('not a code cache')]);
    const refused = loadWorker(await bundleDir(FAKE_MAIN, spoiled));
    expect(refused.codeCache).toBe('rejected');
    expect(await refused.main()).toMatchObject({ answer: 49 });

    // Another bundle of the same length: V8 alone would take the cache and run the old code.
    const changed = FAKE_MAIN.replace('n * n', 'n + n');
    expect(changed.length).toBe(FAKE_MAIN.length);
    const stale = loadWorker(await bundleDir(changed, cache));
    expect(stale.codeCache).toBe('stale');
    expect(await stale.main()).toMatchObject({ answer: 14 });
  });

  it("runs the bundle's warmUp() before it takes the cache, so that the cache holds what that ran", async () => {
    // A module the worker loads only later, as the worker loads the Agent SDK once its agent starts.
    const later = Array.from({ length: 40 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`);
    const source = `${FAKE_MAIN}
let warmed = 0;
function loadLater() { ${later.join(' ')} return ${later.map((_, i) => `f${i}(1)`).join(' + ')}; }
exports.warmUp = async () => { warmed = loadLater(); };
`;
    const sizes: number[] = [];
    for (const warm of [false, true]) {
      const dir = await bundleDir(source);
      const worker = loadWorker(dir);
      expect(typeof worker.warmUp).toBe('function');
      if (!warm) delete worker.warmUp;
      await writeCodeCache(dir, worker);
      sizes.push((await readFile(join(dir, WORKER_CODE_CACHE))).length);
    }
    // The 40 functions that ran in the warm-up are compiled into the second cache only.
    expect(sizes[1]! - sizes[0]!).toBeGreaterThan(40 * 20);

    const failing = await bundleDir(
      `${FAKE_MAIN}\nexports.warmUp = async () => { throw new Error('no SDK'); };`,
    );
    await expect(writeCodeCache(failing, loadWorker(failing))).rejects.toThrow('no SDK');
    expect(existsSync(join(failing, WORKER_CODE_CACHE))).toBe(false);
  });

  it('refuses a bundle that exports no main()', async () => {
    const dir = await bundleDir('exports.other = 1;');
    expect(() => loadWorker(dir)).toThrow(`${join(dir, WORKER_MAIN)} exports no main()`);
  });
});

/** The built launcher (bundle.mjs), which fanout starts for every agent. */
const LAUNCHER = fileURLToPath(new URL(`../dist/${WORKER_BUNDLE}`, import.meta.url));

/** A scripted model that takes agent 0 through `script`; by default it answers at once, with nothing to do. */
async function startModel(script: Step[] = [steps.text('Nothing to do.')]): Promise<ScriptedModel> {
  const model = await startScriptedModel({ script: scriptByAgent({ 0: script }) });
  cleanups.push(() => model.close());
  return model;
}

/**
 * Runs agent 0 of a new run through the built launcher, started with `flags`, and expects it to succeed.
 * Returns the worker's output, its `worker started` log line and the agent's transcript file.
 */
async function runAgent(model: ScriptedModel, flags: readonly string[], env: Record<string, string> = {}) {
  expect(existsSync(LAUNCHER), `${LAUNCHER} is missing: npm run build`).toBe(true);
  const fixture = await createRunFixture({ model: TEST_MODEL });
  cleanups.push(() => fixture.remove());
  const child = spawn(process.execPath, [...flags, LAUNCHER], {
    env: { ...process.env, ...claudeEnvFor(model), ...fixture.workerEnv(0), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code, output).toBe(0);
  const result = JSON.parse(await readFile(fixture.paths.agent(0).result, 'utf8')) as object;
  expect(result).toMatchObject({ status: 'succeeded' });
  const started = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; codeCache?: string })
    .find((line) => line.msg === 'worker started');
  return { output, started, transcript: fixture.paths.agent(0).transcript };
}

/**
 * A recorder: `source`, preloaded with --require (after `nodeArgs`), writes what it saw to the file that
 * $`logVar` names as the process exits. `probe` runs Node.js with it on `code`, in the launcher's folder
 * (where zod resolves), to show that it sees what it looks for; `worker` runs agent 0 of a new run with it.
 * Both expect the process to succeed and return the log's path.
 */
async function recorder(name: string, source: string, logVar: string, nodeArgs: readonly string[] = []) {
  const dir = await tempDir();
  const preload = join(dir, name);
  await writeFile(preload, source);
  const args = [...nodeArgs, '--require', preload];
  return {
    async probe(code: string, extraArgs: readonly string[] = []): Promise<string> {
      const log = join(dir, 'probe.json');
      const child = spawn(process.execPath, [...args, ...extraArgs, '-e', code], {
        cwd: dirname(LAUNCHER),
        env: { ...process.env, [logVar]: log },
        stdio: 'inherit',
      });
      expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
      return log;
    },
    async worker(model: ScriptedModel): Promise<{ log: string; transcript: string }> {
      const log = join(dir, 'worker.json');
      const run = await runAgent(model, [...WORKER_NODE_FLAGS, ...args], { [logVar]: log });
      return { log, transcript: run.transcript };
    },
  };
}

/**
 * Preloaded with --require: records the body of every function made from a string (`new Function`), and
 * writes them to $FUNCTION_LOG as the process exits.
 */
const RECORD_FUNCTIONS = `
const { writeFileSync } = require('node:fs');
const bodies = [];
const record = (args) => bodies.push(String(args[args.length - 1] ?? ''));
globalThis.Function = new Proxy(Function, {
  construct: (target, args) => (record(args), Reflect.construct(target, args)),
  apply: (target, self, args) => (record(args), Reflect.apply(target, self, args)),
});
process.on('exit', () => writeFileSync(process.env.FUNCTION_LOG, JSON.stringify(bodies)));
`;

/**
 * Preloaded with --require (and --expose-internals): writes which of Node.js's built-in modules it compiled
 * with and without Node.js's own code cache to $CACHE_USAGE_LOG as the process exits.
 */
const RECORD_CACHE_USAGE = `
const { writeFileSync } = require('node:fs');
const { internalBinding } = require('internal/test/binding');
process.on('exit', () => {
  const { compiledWithCache, compiledWithoutCache } = internalBinding('builtins').getCacheUsage();
  const usage = { with: [...compiledWithCache], without: [...compiledWithoutCache] };
  writeFileSync(process.env.CACHE_USAGE_LOG, JSON.stringify(usage));
});
`;

/**
 * Preloaded with --require: counts the asynchronous resources the process makes, by type, and writes the
 * counts to $ASYNC_LOG as it exits. FSREQPROMISE and FSREQCALLBACK are file operations sent to the thread pool.
 */
const RECORD_ASYNC_RESOURCES = `
const { writeFileSync } = require('node:fs');
const { createHook } = require('node:async_hooks');
const counts = {};
createHook({ init: (_id, type) => { counts[type] = (counts[type] ?? 0) + 1; } }).enable();
process.on('exit', () => writeFileSync(process.env.ASYNC_LOG, JSON.stringify(counts)));
`;

/** File operations sent to Node.js's thread pool, as RECORD_ASYNC_RESOURCES wrote them to `log`. */
async function threadPoolFileRequests(log: string): Promise<number> {
  const counts = JSON.parse(await readFile(log, 'utf8')) as Record<string, number>;
  return (counts['FSREQPROMISE'] ?? 0) + (counts['FSREQCALLBACK'] ?? 0);
}

async function cacheUsage(log: string): Promise<{ with: string[]; without: string[] }> {
  return JSON.parse(await readFile(log, 'utf8')) as { with: string[]; without: string[] };
}

/** Bodies of zod's compiled parsers, as RECORD_FUNCTIONS wrote them to `log`. */
async function zodParsersIn(log: string): Promise<string[]> {
  const bodies = JSON.parse(await readFile(log, 'utf8')) as string[];
  return bodies.filter((body) => body.includes('payload'));
}

describe('the built launcher', () => {
  it("is what the package's fanout-worker bin runs", { timeout: 30_000 }, async () => {
    const bin = fileURLToPath(new URL('../bin/fanout-worker.js', import.meta.url));
    const child = spawn(process.execPath, [bin], { env: { PATH: process.env['PATH'] ?? '' } });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(output).toBe('fanout-worker: AGENT_WORKTREE_PATH: is not set\n');
  });

  it("has a code cache that holds the Agent SDK's start-up code as well as the worker's top level", async () => {
    const built = join(dirname(LAUNCHER), WORKER_CODE_CACHE);
    expect(existsSync(built), `${built} is missing: npm run build`).toBe(true);
    // The same bundle's cache without the warm-up: only what its top level ran.
    const dir = await bundleDir(await readFile(join(dirname(LAUNCHER), WORKER_MAIN), 'latin1'));
    const worker = loadWorker(dir);
    expect(typeof worker.warmUp).toBe('function');
    delete worker.warmUp;
    await writeCodeCache(dir, worker);
    const topLevelOnly = (await readFile(join(dir, WORKER_CODE_CACHE))).length;
    expect((await readFile(built)).length).toBeGreaterThan(topLevelOnly * 1.3);
  });

  it('is built from a bundle that is Latin-1 only, which V8 holds in one byte per character', async () => {
    const source = await readFile(join(dirname(LAUNCHER), WORKER_MAIN), 'utf8');
    const wide = [...source].findIndex((char) => char.codePointAt(0)! > 0xff);
    expect(wide, `a character wider than Latin-1 at ${wide}: ${source.slice(wide - 40, wide + 10)}`).toBe(-1);
  });

  it('is built from only the parts of the Agent SDK and zod that the worker uses', async () => {
    // 0.52 MB when this was written. Importing the SDK whole (a dynamic import of it rather than of
    // sdk-query.ts) or zod as `{ z }` (its whole namespace) made it 2.3 MB, and the MCP SDK's server
    // modules (for in-process MCP servers, which a worker never makes) 0.77 MB; every worker paid for the
    // difference in reading, compiling and collecting it (BENCHMARKS.md).
    const source = await readFile(join(dirname(LAUNCHER), WORKER_MAIN), 'latin1');
    expect(source.length).toBeLessThan(0.6e6);
    expect(source).not.toMatch(/node_modules\/(ajv|@modelcontextprotocol\/sdk\/dist\/esm\/server)\//);
  });

  it(
    "runs an agent with the build's code cache when started as fanout starts it, and without when V8's flags differ",
    { timeout: 60_000 },
    async () => {
      const model = await startModel();
      for (const [flags, expected] of [
        [WORKER_NODE_FLAGS, 'accepted'],
        // A flag that changes how V8 lays out its heap, and with it what compiled code fits.
        [[...WORKER_NODE_FLAGS, '--optimize-for-size'], 'rejected'],
      ] as const) {
        const run = await runAgent(model, flags);
        expect(run.started, run.output).toMatchObject({ codeCache: expected });
      }
    },
  );

  it(
    'checks its configuration and files with zod without compiling parsers at run time',
    { timeout: 60_000 },
    async () => {
      const record = await recorder('record-functions.cjs', RECORD_FUNCTIONS, 'FUNCTION_LOG');

      // The recorder sees zod's compiled parsers where zod compiles them.
      const zodProbe = "require('zod').object({ a: require('zod').string() }).parse({ a: 'x' })";
      expect(await zodParsersIn(await record.probe(zodProbe))).not.toEqual([]);

      // A worker checks each file once: compiling a parser for each would cost more than it saves.
      const worker = await record.worker(await startModel());
      expect(await zodParsersIn(worker.log)).toEqual([]);
    },
  );

  it(
    'puts back the NODE_EXTRA_CA_CERTS that executors move aside, for the agent and all it runs',
    { timeout: 60_000 },
    async () => {
      const ca = join(await tempDir(), 'extra-ca.pem');
      await writeFile(ca, rootCertificates[0]!);
      const model = await startModel([
        steps.bash('echo "ca=$NODE_EXTRA_CA_CERTS stand-in=${FANOUT_NODE_EXTRA_CA_CERTS:-none}"'),
        steps.text('Done.'),
      ]);
      const run = await runAgent(model, WORKER_NODE_FLAGS, { FANOUT_NODE_EXTRA_CA_CERTS: ca });
      expect(await readFile(run.transcript, 'utf8')).toContain(`ca=${ca} stand-in=none`);
    },
  );

  it(
    'writes its transcript, state and cancel checks without a round trip through the thread pool',
    { timeout: 60_000 },
    async () => {
      const record = await recorder('record-async.cjs', RECORD_ASYNC_RESOURCES, 'ASYNC_LOG');

      // The recorder sees a file operation sent to the thread pool.
      const probeLog = await record.probe("require('node:fs').promises.stat('.')");
      expect(await threadPoolFileRequests(probeLog)).toBe(1);

      // An agent of several turns: each message is a transcript line, and most change state.json.
      const model = await startModel([
        steps.write('notes.md', 'one\ntwo\n'),
        ...['first', 'second', 'third', 'fourth'].map((word) => steps.bash(`echo ${word}`)),
        steps.commit('Add notes'),
        steps.text('Done.'),
      ]);
      const worker = await record.worker(model);
      const lines = (await readFile(worker.transcript, 'utf8')).trim().split('\n').length;
      expect(lines).toBeGreaterThanOrEqual(14);
      // What is left goes through the pool once a run (14 when this was written): reading the previous
      // state, git's info/exclude, the run's folders, writing result.json. Through the pool, each transcript
      // line, state write and cancel check made two to five requests there: 159 in this run.
      expect(await threadPoolFileRequests(worker.log)).toBeLessThanOrEqual(20);
    },
  );

  it(
    "runs with V8 flags that keep Node.js's code cache of its own modules",
    { timeout: 60_000 },
    async () => {
      const record = await recorder('record-cache-usage.cjs', RECORD_CACHE_USAGE, 'CACHE_USAGE_LOG', [
        '--expose-internals',
        '--no-warnings',
      ]);

      // The recorder sees the cache refused where a V8 flag makes it so.
      const probeLog = await record.probe("require('child_process')", ['--optimize-for-size']);
      expect((await cacheUsage(probeLog)).without).toContain('child_process');

      // A worker loads every built-in module it uses from that cache, rather than compiling it.
      const usage = await cacheUsage((await record.worker(await startModel())).log);
      expect(usage.with).toContain('child_process');
      expect(usage.without).toEqual([]);
    },
  );
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in packages/test-utils. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface OrchestratorProcessOptions {
  /** Run storage; a new temp dir (removed on close) when omitted. */
  storage?: string;
  /** Extra environment: e.g. claudeEnvFor(model), FANOUT_CONCURRENCY. */
  env?: Record<string, string>;
  /** Extra command-line flags. */
  args?: string[];
  /** Start from this process's environment (default), or from PATH and HOME only. */
  inheritEnv?: boolean;
}

export interface OrchestratorProcess {
  url: string;
  storage: string;
  child: ChildProcess;
  /** Everything the orchestrator wrote on stderr so far (its JSON log). */
  log(): string;
  /** Stops the orchestrator (SIGTERM); its workers keep running, as in production. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it and removes its storage when the fixture made it. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the real orchestrator (the built `fanout-orchestrator` bin) as a child process on a free
 * loopback port, and waits until it serves.
 */
export async function startOrchestratorProcess(
  options: OrchestratorProcessOptions = {},
): Promise<OrchestratorProcess> {
  const ownStorage = options.storage === undefined;
  const storage = options.storage ?? (await mkdtemp(join(tmpdir(), 'fanout-runs-')));
  const bin = join(REPO_ROOT, 'packages', 'orchestrator', 'dist', 'bin.js');
  const child = spawn(process.execPath, [bin, ...(options.args ?? [])], {
    env: {
      ...(options.inheritEnv === false
        ? { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' }
        : process.env),
      FANOUT_HOST: '127.0.0.1',
      FANOUT_PORT: '0',
      FANOUT_STORAGE: storage,
      FANOUT_WEB_ROOT: join(REPO_ROOT, 'packages', 'web', 'dist'),
      IS_SANDBOX: '1',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`orchestrator did not start:\n${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /fanout: serving (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`orchestrator exited with ${code}:\n${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const close = async () => {
    await stop();
    if (ownStorage) await rm(storage, { recursive: true, force: true });
  };
  return { url, storage, child, log: () => stderr, stop, close, [Symbol.asyncDispose]: close };
}

/** A TCP port that is free on loopback right now (for a server that must come back on the same one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

import { availableParallelism, homedir, totalmem } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import * as z from 'zod';

/** Memory one agent takes with `claude mcp serve` beside it, used to size the default concurrency. */
const AGENT_MEMORY_BYTES = 450 * 1024 * 1024;

export interface Config {
  host: string;
  port: number;
  storage: string;
  executor: 'local' | 'kubernetes';
  maxAgents: number;
  concurrency: number;
  model: string | null;
  namespace: string;
  workerImage: string;
  apiToken: string | null;
  /** Seconds an agent may run when the run names no timeout. */
  defaultTimeoutSeconds: number;
  /** Seconds between SIGTERM and SIGKILL when a worker is stopped. */
  killGraceSeconds: number;
  /** Where the web UI's built files are; null serves no UI. */
  webRoot: string | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const intFrom = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const envSchema = z.object({
  FANOUT_HOST: z.string().min(1).default('127.0.0.1'),
  FANOUT_PORT: intFrom(0, 65535).default(7420),
  FANOUT_STORAGE: z.string().min(1).optional(),
  FANOUT_EXECUTOR: z.enum(['local', 'kubernetes'], { error: 'must be local or kubernetes' }).default('local'),
  FANOUT_MAX_AGENTS: intFrom(1, 256).default(16),
  FANOUT_CONCURRENCY: intFrom(1, 1024).optional(),
  FANOUT_MODEL: z.string().trim().min(1).optional(),
  FANOUT_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .default('backend'),
  FANOUT_WORKER_IMAGE: z.string().min(1).default('fanout-worker:latest'),
  FANOUT_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  FANOUT_TIMEOUT_SECONDS: intFrom(10, 604_800).default(3600),
  FANOUT_KILL_GRACE_SECONDS: intFrom(1, 600).default(20),
  FANOUT_WEB_ROOT: z.string().optional(),
});

/** Agents that fit the machine: one per core, and no more than memory holds at ~450 MB each. */
export function defaultConcurrency(cores = availableParallelism(), memory = totalmem()): number {
  return Math.max(1, Math.min(cores * 2, Math.floor((memory * 0.75) / AGENT_MEMORY_BYTES)));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Reads the configuration once, from the environment with flags over it (`--port 8080` means
 * `FANOUT_PORT=8080`). Throws a ConfigError whose message is one line naming the bad setting.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  flags: Record<string, string> = {},
  defaults: { webRoot: string | null } = { webRoot: null },
): Config {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [flag, value] of Object.entries(flags)) {
    merged[`FANOUT_${flag.replace(/-/g, '_').toUpperCase()}`] = value;
  }
  const input = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, merged[k] === '' ? undefined : merged[k]]),
  );
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'config');
    throw new ConfigError(`${key}: ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  const storage = resolve(e.FANOUT_STORAGE ?? resolve(homedir(), 'code', 'claude-storage'));
  if (e.FANOUT_STORAGE && !isAbsolute(e.FANOUT_STORAGE) && e.FANOUT_EXECUTOR === 'kubernetes') {
    throw new ConfigError('FANOUT_STORAGE: must be an absolute path with the kubernetes executor');
  }
  if (!isLoopback(e.FANOUT_HOST) && !e.FANOUT_API_TOKEN) {
    throw new ConfigError(
      `FANOUT_HOST: binding to ${e.FANOUT_HOST} (not loopback) needs FANOUT_API_TOKEN to be set`,
    );
  }
  return {
    host: e.FANOUT_HOST,
    port: e.FANOUT_PORT,
    storage,
    executor: e.FANOUT_EXECUTOR,
    maxAgents: e.FANOUT_MAX_AGENTS,
    concurrency: e.FANOUT_CONCURRENCY ?? defaultConcurrency(),
    model: e.FANOUT_MODEL ?? null,
    namespace: e.FANOUT_NAMESPACE,
    workerImage: e.FANOUT_WORKER_IMAGE,
    apiToken: e.FANOUT_API_TOKEN ?? null,
    defaultTimeoutSeconds: e.FANOUT_TIMEOUT_SECONDS,
    killGraceSeconds: e.FANOUT_KILL_GRACE_SECONDS,
    webRoot: e.FANOUT_WEB_ROOT === undefined ? defaults.webRoot : e.FANOUT_WEB_ROOT || null,
  };
}

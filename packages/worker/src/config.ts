import { isAbsolute } from 'node:path';
import { AGENT_INDEX_PATTERN, RUN_ID_PATTERN, WORKER_ENV, runDirName } from '@fanout/shared';
import * as z from 'zod';

/** What the executor tells a worker through its environment; everything else comes from run.json. */
export interface WorkerConfig {
  worktree: string;
  branch: string;
  runDir: string;
  runId: string;
  agentIndex: number;
}

const absolutePath = z
  .string({ error: 'is not set' })
  .min(1, { error: 'is not set' })
  .refine((p) => isAbsolute(p), { error: 'must be an absolute path' })
  .transform((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p));

const envSchema = z.object({
  [WORKER_ENV.worktree]: absolutePath,
  [WORKER_ENV.branch]: z.string({ error: 'is not set' }).min(1, { error: 'is not set' }),
  [WORKER_ENV.runDir]: absolutePath,
  [WORKER_ENV.runId]: z
    .string({ error: 'is not set' })
    .regex(RUN_ID_PATTERN, { error: 'must be a run id (26 lower-case base32 characters)' }),
  [WORKER_ENV.agentIndex]: z
    .string({ error: 'is not set' })
    .regex(AGENT_INDEX_PATTERN, { error: 'must be an agent index (0, 1, 2, …)' })
    .transform(Number),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the worker's settings from the environment once; throws a ConfigError naming the bad variable. */
export function parseWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`${name}: ${issue?.message ?? 'is not valid'}`);
  }
  const data = parsed.data;
  const config: WorkerConfig = {
    worktree: data[WORKER_ENV.worktree],
    branch: data[WORKER_ENV.branch],
    runDir: data[WORKER_ENV.runDir],
    runId: data[WORKER_ENV.runId],
    agentIndex: data[WORKER_ENV.agentIndex],
  };
  const expected = runDirName(config.runId);
  if (!config.runDir.endsWith(`/${expected}`)) {
    throw new ConfigError(
      `${WORKER_ENV.runDir}: must be the run directory …/${expected} of ${WORKER_ENV.runId}`,
    );
  }
  return config;
}

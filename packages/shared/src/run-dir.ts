import * as z from 'zod';
import { checkResultSchema } from './check.js';
import { agentErrorSchema, diffStatSchema, usageSchema } from './run.js';

/**
 * The run directory, shared by the orchestrator (any replica) and the workers:
 *
 *   run-<id>/
 *     run.json                    written once, last, by the replica that created the run
 *     repo/                       the run's git repository; branch main is the starting point
 *     agent-<n>/                  git worktree of repo on branch agent-<n>
 *     meta/                       never inside repo/ or a worktree, so it is never committed
 *       cancel.json               write-once: a cancel was requested (first writer wins)
 *       agent-<n>/
 *         launch.json             write-once: the executor launched the worker
 *         state.json              the worker's live state (only the worker writes it)
 *         result.json             write-once: the outcome (the worker, or a replica that found it lost)
 *         transcript.ndjson       append-only: every SDK message, one JSON object per line
 *         worker.log              the worker's own log (stdout and stderr)
 *         setup.log               the end of the output of the run's setup, when it has one
 *         claude/                 CLAUDE_CONFIG_DIR of this agent
 *
 * Paths are POSIX: runs live on Linux hosts and volumes, and this module is also used by the browser.
 */
export function runDirName(id: string): string {
  return `run-${id}`;
}

export function runPaths(storage: string, id: string) {
  return runPathsAt(`${storage.replace(/\/+$/, '')}/${runDirName(id)}`);
}

/** The paths of a run whose folder is `root` (`run.json`'s `runDir`). */
export function runPathsAt(root: string) {
  const meta = `${root}/meta`;
  return {
    root,
    runJson: `${root}/run.json`,
    repo: `${root}/repo`,
    meta,
    cancel: `${meta}/cancel.json`,
    worktree: (n: number) => `${root}/agent-${n}`,
    agent: (n: number) => agentPaths(`${meta}/agent-${n}`),
  };
}
export type RunPaths = ReturnType<typeof runPathsAt>;

export function agentPaths(dir: string) {
  return {
    dir,
    launch: `${dir}/launch.json`,
    state: `${dir}/state.json`,
    result: `${dir}/result.json`,
    transcript: `${dir}/transcript.ndjson`,
    log: `${dir}/worker.log`,
    setupLog: `${dir}/setup.log`,
    claudeConfig: `${dir}/claude`,
  };
}
export type AgentPaths = ReturnType<typeof agentPaths>;

/** `run.json`: the request and settings of a run, written once when the run is created. */
export const runFileSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  createdAt: z.string(),
  prompt: z.string(),
  agents: z.number().int().min(1),
  model: z.string().nullable(),
  /** One model per agent (null entries fall back to `model`, then the SDK's default). */
  models: z.array(z.string().nullable()),
  baseRepo: z.string().nullable(),
  baseRef: z.string().nullable(),
  baseCommit: z.string(),
  maxTurns: z.number().int().nullable(),
  timeoutSeconds: z.number().int(),
  /** The run's spending limit in US dollars, split evenly among its agents; absent in older runs. */
  budgetUsd: z.number().nullable().default(null),
  /** The shell command run in each worktree after its agent stops; absent in runs made before checks. */
  check: z.string().nullable().default(null),
  /** The shell command run in each worktree before its agent starts; absent in older runs. */
  setup: z.string().nullable().default(null),
  /** Paths copied from the base repository into each worktree, never committed; absent in older runs. */
  copyFiles: z.array(z.string()).default([]),
  /** The absolute path of the run directory, the same on every host and pod that mounts it. */
  runDir: z.string(),
});
export type RunFile = z.infer<typeof runFileSchema>;

export const cancelFileSchema = z.object({ requestedAt: z.string() });
export type CancelFile = z.infer<typeof cancelFileSchema>;

export const launchFileSchema = z.object({
  launchedAt: z.string(),
  executor: z.enum(['local', 'kubernetes']),
  /** local: the worker's pid and its start time in clock ticks (field 22 of /proc/<pid>/stat). */
  pid: z.number().int().optional(),
  pidStartTicks: z.string().optional(),
  host: z.string().optional(),
  /** kubernetes: the Job's name. */
  job: z.string().optional(),
});
export type LaunchFile = z.infer<typeof launchFileSchema>;

export const stateFileSchema = z.object({
  /** Grows by one with every write, so readers can tell a change from a re-read. */
  rev: z.number().int(),
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  numTurns: z.number().int(),
  usage: usageSchema,
  costUsd: z.number().nullable(),
  activity: z.string().nullable(),
  model: z.string().nullable(),
  sessionId: z.string().nullable(),
  /** True while the run's check runs: the agent's work is committed; what is uncommitted is the check's. */
  checking: z.boolean().optional(),
  /** True while the run's setup runs: nothing is the agent's work yet, so nothing may be committed. */
  settingUp: z.boolean().optional(),
});
export type StateFile = z.infer<typeof stateFileSchema>;

export const resultFileSchema = z.object({
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  startedAt: z.string().nullable(),
  finishedAt: z.string(),
  commit: z.string().nullable(),
  diffStat: diffStatSchema.nullable(),
  usage: usageSchema,
  costUsd: z.number().nullable(),
  numTurns: z.number().int(),
  error: agentErrorSchema.optional(),
  /** The outcome of the run's check; absent when the run has none or the agent was cancelled. */
  check: checkResultSchema.optional(),
  /** Who wrote it: the worker itself, or an orchestrator replica that found the worker gone. */
  writtenBy: z.enum(['worker', 'orchestrator']),
});
export type ResultFile = z.infer<typeof resultFileSchema>;

/** Environment variables the executor sets for a worker (the first two are the reference design's). */
export const WORKER_ENV = {
  worktree: 'AGENT_WORKTREE_PATH',
  branch: 'AGENT_BRANCH',
  runDir: 'FANOUT_RUN_DIR',
  runId: 'FANOUT_RUN_ID',
  agentIndex: 'FANOUT_AGENT_INDEX',
} as const;

import * as z from 'zod';
import { checkResultSchema } from './check.js';

export const AGENT_STATUSES = ['queued', 'starting', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const agentStatusSchema = z.enum(AGENT_STATUSES);
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const FINAL_AGENT_STATUSES: readonly AgentStatus[] = ['succeeded', 'failed', 'cancelled'];
export function isFinalAgentStatus(status: AgentStatus): boolean {
  return FINAL_AGENT_STATUSES.includes(status);
}

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;
export function isFinalRunStatus(status: RunStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

export const AGENT_ERROR_CODES = [
  'model_error',
  'agent_crashed',
  'worker_lost',
  'timeout',
  'max_turns',
  'budget',
  'cancelled',
  'setup_failed',
  'internal',
] as const;
export const agentErrorSchema = z.object({
  code: z.enum(AGENT_ERROR_CODES),
  message: z.string(),
  status: z.number().int().optional(),
});
export type AgentError = z.infer<typeof agentErrorSchema>;

export const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheCreationTokens: z.number(),
});
export type Usage = z.infer<typeof usageSchema>;
export const ZERO_USAGE: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheCreationTokens: 0,
};

export const diffStatSchema = z.object({
  files: z.number().int(),
  insertions: z.number().int(),
  deletions: z.number().int(),
});
export type DiffStat = z.infer<typeof diffStatSchema>;

export const agentSchema = z.object({
  index: z.number().int(),
  branch: z.string(),
  model: z.string().nullable(),
  status: agentStatusSchema,
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  commit: z.string().nullable(),
  diffStat: diffStatSchema.nullable(),
  usage: usageSchema,
  costUsd: z.number().nullable(),
  numTurns: z.number().int(),
  /** What the agent is doing now (e.g. "Bash: npm test"), while it runs. */
  activity: z.string().nullable(),
  error: agentErrorSchema.optional(),
  /** The outcome of the run's check once the agent has finished; null while none is recorded. */
  check: checkResultSchema.nullable(),
});
export type Agent = z.infer<typeof agentSchema>;

export const runSchema = z.object({
  id: z.string(),
  prompt: z.string(),
  createdAt: z.string(),
  status: runStatusSchema,
  baseCommit: z.string(),
  model: z.string().nullable(),
  /** The check command run after each agent, or null. */
  check: z.string().nullable(),
  /** The run's spending limit in US dollars (each agent may spend an even share of it), or null. */
  budgetUsd: z.number().nullable(),
  /** The setup command run in each worktree before its agent starts, or null. */
  setup: z.string().nullable(),
  /** Paths copied from the base repository into each worktree (never committed); empty without any. */
  copyFiles: z.array(z.string()),
  cancelRequested: z.boolean(),
  finishedAt: z.string().nullable(),
  costUsd: z.number().nullable(),
  agents: z.array(agentSchema),
});
export type Run = z.infer<typeof runSchema>;

export const runListSchema = z.object({
  runs: z.array(runSchema),
  nextCursor: z.string().nullable(),
});
export type RunList = z.infer<typeof runListSchema>;

/**
 * A run's status from its agents' statuses: `queued` until an agent starts; `running` while any agent
 * is unfinished; once all are finished: `succeeded` if all succeeded, else `cancelled` if a cancel was
 * requested, else `failed` if none succeeded, else `partial`.
 */
export function deriveRunStatus(agents: readonly AgentStatus[], cancelRequested: boolean): RunStatus {
  if (agents.every((s) => isFinalAgentStatus(s))) {
    if (agents.every((s) => s === 'succeeded')) return 'succeeded';
    if (cancelRequested) return 'cancelled';
    if (!agents.some((s) => s === 'succeeded')) return 'failed';
    return 'partial';
  }
  if (agents.every((s) => s === 'queued')) return 'queued';
  return 'running';
}

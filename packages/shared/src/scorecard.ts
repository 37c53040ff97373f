import * as z from 'zod';
import { checkStatusSchema } from './check.js';
import { agentStatusSchema, isFinalRunStatus, runStatusSchema, type Agent, type Run } from './run.js';

/**
 * The agents of a run ranked best first (`GET /api/runs/:id/scorecard`). The order compares, in turn:
 * 1. status: `succeeded`, then the other finished agents, then unfinished ones;
 * 2. check: `passed`, then no check result, then `failed`, then `error`;
 * 3. changes: an agent that changed something before one that changed nothing;
 * 4. diff size (lines added plus removed): smaller first, as the easier one to review;
 * 5. cost, 6. time, 7. turns: less first (unknown last); then the agent's index.
 */
export const scorecardEntrySchema = z.object({
  rank: z.number().int().min(1),
  index: z.number().int(),
  branch: z.string(),
  status: agentStatusSchema,
  check: checkStatusSchema.nullable(),
  files: z.number().int(),
  /** Lines added plus lines removed against the run's starting point. */
  changedLines: z.number().int(),
  costUsd: z.number().nullable(),
  /** From start to finish; null until the agent has both. */
  durationMs: z.number().nullable(),
  numTurns: z.number().int(),
});
export type ScorecardEntry = z.infer<typeof scorecardEntrySchema>;

export const scorecardSchema = z.object({
  runId: z.string(),
  runStatus: runStatusSchema,
  /** False while agents are still working: the ranking can still change. */
  final: z.boolean(),
  agents: z.array(scorecardEntrySchema),
});
export type Scorecard = z.infer<typeof scorecardSchema>;

const STATUS_ORDER: Record<Agent['status'], number> = {
  succeeded: 0,
  failed: 1,
  cancelled: 1,
  running: 2,
  starting: 2,
  queued: 2,
};
const CHECK_ORDER = { passed: 0, none: 1, failed: 2, error: 3 } as const;

function durationMs(agent: Agent): number | null {
  if (!agent.startedAt || !agent.finishedAt) return null;
  return Math.max(0, Date.parse(agent.finishedAt) - Date.parse(agent.startedAt));
}

function entry(agent: Agent): Omit<ScorecardEntry, 'rank'> {
  return {
    index: agent.index,
    branch: agent.branch,
    status: agent.status,
    check: agent.check?.status ?? null,
    files: agent.diffStat?.files ?? 0,
    changedLines: (agent.diffStat?.insertions ?? 0) + (agent.diffStat?.deletions ?? 0),
    costUsd: agent.costUsd,
    durationMs: durationMs(agent),
    numTurns: agent.numTurns,
  };
}

/** Less first; unknown (null) after every known value. */
function ascending(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a - b;
}

function compare(a: Omit<ScorecardEntry, 'rank'>, b: Omit<ScorecardEntry, 'rank'>): number {
  const changed = (e: typeof a) => (e.files > 0 || e.changedLines > 0 ? 0 : 1);
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    CHECK_ORDER[a.check ?? 'none'] - CHECK_ORDER[b.check ?? 'none'] ||
    changed(a) - changed(b) ||
    a.changedLines - b.changedLines ||
    ascending(a.costUsd, b.costUsd) ||
    ascending(a.durationMs, b.durationMs) ||
    a.numTurns - b.numTurns ||
    a.index - b.index
  );
}

/** A run's scorecard: its agents ranked best first, by the order described above. */
export function scoreRun(run: Run): Scorecard {
  const ranked = run.agents
    .map(entry)
    .sort(compare)
    .map((e, i) => ({ rank: i + 1, ...e }));
  return { runId: run.id, runStatus: run.status, final: isFinalRunStatus(run.status), agents: ranked };
}

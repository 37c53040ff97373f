import * as z from 'zod';

export const MERGE_TARGETS = ['main', 'base'] as const;

/**
 * The body of `POST /api/runs/:id/merge`. `into: "main"` (the default) merges the agent's branch into
 * branch `main` of the run's repository; `into: "base"` adds the agent's branch to the repository the run
 * started from, as a new branch `fanout/<run id>/agent-<n>`. Strict, like every request body.
 */
export const mergeRequestSchema = z
  .object({
    agent: z
      .number({
        error: (issue) => (issue.input === undefined ? 'is required' : 'must be an agent index (0, 1, …)'),
      })
      .int({ error: 'must be an agent index (0, 1, …)' })
      .min(0, { error: 'must be an agent index (0, 1, …)' }),
    into: z.enum(MERGE_TARGETS, { error: 'must be "main" or "base"' }).optional(),
  })
  .strict();
export type MergeRequest = z.infer<typeof mergeRequestSchema>;

export const mergeResultSchema = z.object({
  agent: z.number().int(),
  into: z.enum(MERGE_TARGETS),
  /** The branch that received the work: `main`, or the new branch of the base repository. */
  branch: z.string(),
  /** Where that branch points now. */
  commit: z.string(),
  /** False when there was nothing to do: main already held the agent's work, or the branch existed. */
  changed: z.boolean(),
  /** `into: "base"`: the base repository's path on the server. */
  repo: z.string().optional(),
});
export type MergeResult = z.infer<typeof mergeResultSchema>;

/** The branch `into: "base"` creates in the base repository. */
export function baseBranchName(runId: string, agentIndex: number): string {
  return `fanout/${runId}/agent-${agentIndex}`;
}

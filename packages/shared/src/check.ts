import * as z from 'zod';

/**
 * A run's `check`: a shell command run in each agent's worktree after the agent stops (e.g. `npm test`).
 * Its outcome is the agent's `check`; it never changes the agent's own status.
 */

export const MAX_CHECK_CHARS = 10_000;
/** How long a check may run before it is stopped (`error`); it has its own time, after the agent's. */
export const CHECK_TIMEOUT_SECONDS = 600;
/** How much of the end of a check's output (stdout and stderr together) is kept. */
export const CHECK_OUTPUT_BYTES = 8 * 1024;

export const CHECK_STATUSES = ['passed', 'failed', 'error'] as const;
export const checkStatusSchema = z.enum(CHECK_STATUSES);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const checkResultSchema = z.object({
  /** `passed`: exit code 0; `failed`: any other exit code; `error`: it could not start, timed out or was stopped. */
  status: checkStatusSchema,
  /** Null when the command did not exit by itself (not started, killed). */
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** The last ~8 KB of stdout and stderr, interleaved as written, cut at a whole UTF-8 character. */
  output: z.string(),
  /** Why the status is `error`. */
  message: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** How long a worker may run past its agent's time limit: the check's own time, when the run has one. */
export function checkTimeLimitSeconds(run: { check?: string | null | undefined }): number {
  return run.check ? CHECK_TIMEOUT_SECONDS : 0;
}

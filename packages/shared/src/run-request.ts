import * as z from 'zod';
import { MAX_CHECK_CHARS } from './check.js';
import { copyFilesSchema, setupSchema } from './setup.js';

export const MAX_PROMPT_CHARS = 100_000;
export const MAX_BODY_BYTES = 1024 * 1024;
/** The largest spending limit a run may set. */
export const MAX_BUDGET_USD = 10_000;

/**
 * The body of `POST /api/runs`. `maxAgents` comes from the server's configuration, so the schema is
 * built per server. Strict: unknown fields are refused; no coercion (`"3"` is not a number).
 */
export function runRequestSchema(maxAgents: number) {
  return z
    .object({
      prompt: z
        .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
        .refine((s) => s.trim().length > 0, { message: 'must not be empty' })
        .refine((s) => s.length <= MAX_PROMPT_CHARS, {
          message: `must be at most ${MAX_PROMPT_CHARS} characters`,
        }),
      agents: z
        .number({
          error: (issue) =>
            issue.input === undefined ? 'is required' : `must be an integer from 1 to ${maxAgents}`,
        })
        .int({ error: `must be an integer from 1 to ${maxAgents}` })
        .min(1, { error: `must be an integer from 1 to ${maxAgents}` })
        .max(maxAgents, { error: `must be an integer from 1 to ${maxAgents}` }),
      model: z.string().trim().min(1, { error: 'must not be empty' }).max(200).optional(),
      models: z.array(z.string().trim().min(1, { error: 'must not be empty' }).max(200)).optional(),
      baseRepo: z.string().trim().min(1, { error: 'must not be empty' }).max(4096).optional(),
      baseRef: z
        .string()
        .trim()
        .min(1, { error: 'must not be empty' })
        .max(256)
        .regex(/^[^\s~^:?*[\\]+$/, { error: 'must be a git ref name or commit' })
        .optional(),
      maxTurns: z
        .number()
        .int({ error: 'must be an integer from 1 to 10000' })
        .min(1, { error: 'must be an integer from 1 to 10000' })
        .max(10_000, { error: 'must be an integer from 1 to 10000' })
        .optional(),
      timeoutSeconds: z
        .number()
        .int({ error: 'must be an integer from 10 to 604800' })
        .min(10, { error: 'must be an integer from 10 to 604800' })
        .max(604_800, { error: 'must be an integer from 10 to 604800' })
        .optional(),
      budgetUsd: z
        .number({ error: `must be a number of US dollars from 0.01 to ${MAX_BUDGET_USD}` })
        .min(0.01, { error: `must be a number of US dollars from 0.01 to ${MAX_BUDGET_USD}` })
        .max(MAX_BUDGET_USD, { error: `must be a number of US dollars from 0.01 to ${MAX_BUDGET_USD}` })
        .optional(),
      check: z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, { error: 'must not be empty' })
        .max(MAX_CHECK_CHARS, { error: `must be at most ${MAX_CHECK_CHARS} characters` })
        .optional(),
      setup: setupSchema.optional(),
      copyFiles: copyFilesSchema.optional(),
    })
    .strict()
    .superRefine((body, ctx) => {
      if (body.models && body.models.length !== body.agents) {
        ctx.addIssue({
          code: 'custom',
          path: ['models'],
          message: `must name one model per agent (${body.agents})`,
        });
      }
      if (body.baseRef && !body.baseRepo) {
        ctx.addIssue({ code: 'custom', path: ['baseRef'], message: 'needs baseRepo' });
      }
      if (body.copyFiles && !body.baseRepo) {
        ctx.addIssue({ code: 'custom', path: ['copyFiles'], message: 'needs baseRepo' });
      }
    });
}

/** What each agent of a run may spend: an even share of the run's budget. */
export function agentBudgetUsd(run: { budgetUsd: number | null; agents: number }): number {
  return run.budgetUsd === null ? Number.POSITIVE_INFINITY : run.budgetUsd / run.agents;
}

export type RunRequest = z.infer<ReturnType<typeof runRequestSchema>>;

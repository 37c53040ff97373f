import { isFinalAgentStatus } from '@fanout/shared';
import { parseRunId } from '../arguments.js';
import { EXIT } from '../cli-error.js';
import { plural } from '../render/values.js';
import { printJson, printLine, type CommandContext } from './context.js';

/** `fanout cancel <run>`: stops every unfinished agent; the work they did so far is committed. */
export async function cancelCommand(ctx: CommandContext, runArgument: string): Promise<number> {
  const run = await ctx.client.cancelRun(parseRunId(runArgument));
  if (ctx.options.json) {
    printJson(ctx, run);
    return EXIT.ok;
  }
  const stopping = run.agents.filter((a) => !isFinalAgentStatus(a.status)).length;
  printLine(
    ctx,
    `cancelling run ${run.id}: ${plural(stopping, 'agent')} stopping; their work so far is committed to their branches`,
  );
  printLine(ctx, `  fanout show ${run.id}`);
  return EXIT.ok;
}

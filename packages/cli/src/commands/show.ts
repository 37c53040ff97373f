import { parseRunId } from '../arguments.js';
import { EXIT } from '../cli-error.js';
import { agentsTable, inspectHints, runDetails } from '../render/run-summary.js';
import { printJson, printLine, type CommandContext } from './context.js';

/** `fanout show <run>`: a run and its agents. */
export async function showCommand(ctx: CommandContext, runArgument: string): Promise<number> {
  const run = await ctx.client.getRun(parseRunId(runArgument));
  if (ctx.options.json) {
    printJson(ctx, run);
    return EXIT.ok;
  }
  const now = ctx.now();
  printLine(ctx, runDetails(run, ctx.colors, now));
  printLine(ctx);
  printLine(ctx, agentsTable(run, ctx.colors, now));
  printLine(ctx);
  printLine(ctx, inspectHints(run, ctx.colors));
  return EXIT.ok;
}

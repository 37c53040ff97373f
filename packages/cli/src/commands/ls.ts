import type { Run } from '@fanout/shared';
import { parseInteger } from '../arguments.js';
import { EXIT } from '../cli-error.js';
import { runsTable } from '../render/runs-table.js';
import { printJson, printLine, printNote, type CommandContext } from './context.js';

export interface LsFlags {
  limit?: string | undefined;
  all?: boolean | undefined;
}

export const DEFAULT_LIST_LIMIT = 20;
/** The server's largest page. */
const MAX_PAGE = 200;

/** `fanout ls`: runs, newest first. */
export async function lsCommand(ctx: CommandContext, flags: LsFlags): Promise<number> {
  const limit =
    flags.limit === undefined
      ? DEFAULT_LIST_LIMIT
      : parseInteger('limit', flags.limit, { min: 1, max: MAX_PAGE });
  let runs: Run[];
  let nextCursor: string | null;
  if (flags.all) {
    runs = [];
    let cursor: string | null = null;
    do {
      const page = await ctx.client.listRuns({ limit: MAX_PAGE, cursor });
      runs.push(...page.runs);
      cursor = page.nextCursor;
    } while (cursor !== null);
    nextCursor = null;
  } else {
    ({ runs, nextCursor } = await ctx.client.listRuns({ limit }));
  }

  if (ctx.options.json) {
    printJson(ctx, { runs, nextCursor });
    return EXIT.ok;
  }
  if (runs.length === 0) {
    printNote(ctx, 'no runs yet; start one with: fanout run "<prompt>" -n 3');
    return EXIT.ok;
  }
  printLine(ctx, runsTable(runs, ctx.colors, ctx.now()));
  if (nextCursor !== null) printNote(ctx, `(the newest ${runs.length}; --all for every run)`);
  return EXIT.ok;
}

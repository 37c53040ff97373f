import type { Scorecard } from '@fanout/shared';
import { parseRunId } from '../arguments.js';
import { EXIT } from '../cli-error.js';
import { paintCheckStatus, paintStatus, type Colors } from '../render/colors.js';
import { renderTable } from '../render/table.js';
import { NONE, formatCost, formatDuration } from '../render/values.js';
import { printJson, printLine, type CommandContext } from './context.js';

/** The ranking as a table: rank, branch, status, check, files, lines changed, cost, time, turns. */
export function scorecardTable(card: Scorecard, colors: Colors): string {
  const rows = card.agents.map((e) => [
    String(e.rank),
    e.branch,
    paintStatus(e.status, colors),
    e.check ? paintCheckStatus(e.check, colors) : NONE,
    String(e.files),
    String(e.changedLines),
    formatCost(e.costUsd),
    e.durationMs === null ? NONE : formatDuration(e.durationMs),
    String(e.numTurns),
  ]);
  return renderTable(
    ['RANK', 'BRANCH', 'STATUS', 'CHECK', 'FILES', 'LINES', 'COST', 'TIME', 'TURNS'],
    rows,
    colors,
    ['right', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** `fanout scorecard <run>`: the run's agents ranked best first. */
export async function scorecardCommand(ctx: CommandContext, runArgument: string): Promise<number> {
  const card = await ctx.client.scorecard(parseRunId(runArgument));
  if (ctx.options.json) {
    printJson(ctx, card);
    return EXIT.ok;
  }
  printLine(ctx, scorecardTable(card, ctx.colors));
  const best = card.agents[0];
  if (!card.final) {
    printLine(ctx, `\nrun ${card.runId} is still ${card.runStatus}: the ranking can still change`);
  } else if (best) {
    printLine(ctx, `\nbest: ${best.branch}; keep it with: fanout merge ${card.runId} ${best.index}`);
  }
  return EXIT.ok;
}

import type { Run } from '@fanout/shared';
import { paintStatus, type Colors } from './colors.js';
import { renderTable } from './table.js';
import { excerpt, formatAge, formatCost } from './values.js';

/** `fanout ls`: id, status, agents, age, cost, prompt excerpt; newest first, as the server sends them. */
export function runsTable(runs: readonly Run[], colors: Colors, now: Date, promptWidth = 60): string {
  const rows = runs.map((run) => [
    run.id,
    paintStatus(run.status, colors),
    String(run.agents.length),
    formatAge(run.createdAt, now),
    formatCost(run.costUsd),
    excerpt(run.prompt, promptWidth),
  ]);
  return renderTable(['ID', 'STATUS', 'AGENTS', 'AGE', 'COST', 'PROMPT'], rows, colors, [
    'left',
    'left',
    'right',
    'right',
    'right',
    'left',
  ]);
}

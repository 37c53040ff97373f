import type { Run } from '@fanout/shared';
import { paintCheckStatus, paintStatus, type Colors } from './colors.js';
import { renderTable, type Align } from './table.js';
import { NONE, excerpt, formatAge, formatChanges, formatCost, formatElapsed, formatFiles } from './values.js';

/**
 * The table of a run's agents: branch, status, files, +/-, turns, cost, time, the check's outcome (only
 * for a run with a check) and the error.
 */
export function agentsTable(run: Run, colors: Colors, now: Date, errorWidth = 80): string {
  const withCheck = run.check !== null;
  const rows = run.agents.map((agent) => [
    agent.branch,
    paintStatus(agent.status, colors),
    formatFiles(agent.diffStat),
    formatChanges(agent.diffStat),
    String(agent.numTurns),
    formatCost(agent.costUsd),
    formatElapsed(agent.startedAt, agent.finishedAt, now),
    ...(withCheck ? [agent.check ? paintCheckStatus(agent.check.status, colors) : NONE] : []),
    agent.error ? colors.red(excerpt(`${agent.error.code}: ${agent.error.message}`, errorWidth)) : '',
  ]);
  const headers = ['BRANCH', 'STATUS', 'FILES', '+/-', 'TURNS', 'COST', 'TIME'];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right'];
  return renderTable([...headers, ...(withCheck ? ['CHECK'] : []), 'ERROR'], rows, colors, [
    ...align,
    ...(withCheck ? (['left'] as const) : []),
    'left',
  ]);
}

/** `run <id> succeeded: 2 of 2 agents succeeded, $0.04, 1m 12s`. */
export function runSummaryLine(run: Run, colors: Colors, now: Date): string {
  const succeeded = run.agents.filter((a) => a.status === 'succeeded').length;
  const time = formatElapsed(run.createdAt, run.finishedAt, now);
  return `run ${run.id} ${paintStatus(run.status, colors)}: ${succeeded} of ${run.agents.length} agents succeeded, ${formatCost(run.costUsd)}, ${time}`;
}

/** The facts of a run above its agents table (`fanout show`). */
export function runDetails(run: Run, colors: Colors, now: Date): string {
  const rows: [string, string][] = [
    ['run', run.id],
    [
      'status',
      paintStatus(run.status, colors) +
        (run.cancelRequested && run.status !== 'cancelled' ? ' (cancel requested)' : ''),
    ],
    ['created', `${run.createdAt} (${formatAge(run.createdAt, now)})`],
    ['finished', run.finishedAt ?? NONE],
    ['model', run.model ?? 'the default model'],
    ['base commit', run.baseCommit],
    [
      'cost',
      formatCost(run.costUsd) + (run.budgetUsd !== null ? ` of a ${formatCost(run.budgetUsd)} budget` : ''),
    ],
    ['prompt', excerpt(run.prompt, 200)],
    ...(run.check !== null ? [['check', excerpt(run.check, 200)] as [string, string]] : []),
    ...(run.setup !== null ? [['setup', excerpt(run.setup, 200)] as [string, string]] : []),
    ...(run.copyFiles.length > 0 ? [['copy files', run.copyFiles.join(', ')] as [string, string]] : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([key, value]) => `${colors.dim(key.padEnd(width))}  ${value}`).join('\n');
}

/**
 * How to look at a run's work. The server's storage folder is not in the API, so the git commands are
 * given relative to it rather than guessed.
 */
export function inspectHints(run: Run, colors: Colors): string {
  const first = run.agents[0]?.index ?? 0;
  const second = run.agents[1]?.index;
  const lines = [
    colors.bold('Inspect the work:'),
    `  fanout diff ${run.id} ${first}`,
    `  fanout logs ${run.id} ${first}`,
    `  ${colors.dim("# with git, in the server's storage folder (FANOUT_STORAGE):")}`,
    `  cd run-${run.id}/repo && git branch && git diff main..agent-${first}` +
      (second === undefined ? '' : ` && git log agent-${second} --oneline`),
  ];
  return lines.join('\n');
}

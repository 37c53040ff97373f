import { isFinalAgentStatus, type Agent, type Run } from '@fanout/shared';
import { paintStatus, type Colors } from './colors.js';
import { excerpt, formatChanges, formatCost, formatElapsed, plural } from './values.js';

const STATUS_WIDTH = 'cancelled'.length;
/** Longest activity or error shown in a progress line (a terminal cuts the line to its width anyway). */
const MAX_NOW = 120;

/** The first line shown for a run being followed. */
export function runHeaderLine(run: Run, colors: Colors): string {
  const model = run.model === null ? 'the default model' : run.model;
  return `${colors.bold(`run ${run.id}`)}: ${plural(run.agents.length, 'agent')} on ${model}`;
}

/**
 * One line per agent while a run is followed: branch, status, turns, cost, time, and what it is doing now
 * (or, once finished, its changes or its error).
 */
export function progressLine(
  agent: Agent,
  colors: Colors,
  now: Date,
  branchWidth = agent.branch.length,
): string {
  const status =
    paintStatus(agent.status, colors) + ' '.repeat(Math.max(0, STATUS_WIDTH - agent.status.length));
  const figures = [
    `${String(agent.numTurns).padStart(3)} ${agent.numTurns === 1 ? 'turn ' : 'turns'}`,
    formatCost(agent.costUsd).padStart(7),
    formatElapsed(agent.startedAt, agent.finishedAt, now).padStart(7),
  ].join('  ');
  return `${agent.branch.padEnd(branchWidth)}  ${status}  ${figures}  ${agentNow(agent, colors)}`.trimEnd();
}

/** What an agent is doing now; for a finished one, what it changed or why it failed. */
function agentNow(agent: Agent, colors: Colors): string {
  if (agent.error) return colors.red(excerpt(`${agent.error.code}: ${agent.error.message}`, MAX_NOW));
  if (isFinalAgentStatus(agent.status)) {
    return agent.diffStat === null
      ? ''
      : colors.dim(`${plural(agent.diffStat.files, 'file')} ${formatChanges(agent.diffStat)}`);
  }
  return colors.dim(excerpt(agent.activity ?? '', MAX_NOW));
}

/** The lines of the live view: one per agent, branches aligned. */
export function progressLines(run: Run, colors: Colors, now: Date): string[] {
  const width = Math.max(0, ...run.agents.map((a) => a.branch.length));
  return run.agents.map((agent) => progressLine(agent, colors, now, width));
}

/** Which agents' status changed between two views of a run (for the plain, appended output). */
export function changedAgents(before: Run | null, after: Run): Agent[] {
  return after.agents.filter((agent) => {
    const previous = before?.agents.find((a) => a.index === agent.index);
    return previous === undefined || previous.status !== agent.status;
  });
}

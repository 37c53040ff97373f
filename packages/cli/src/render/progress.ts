import { isFinalAgentStatus, type Agent, type Run } from '@fanout/shared';
import { paintStatus, type Colors } from './colors.js';
import { formatChanges, formatCost, formatElapsed, plural } from './values.js';

const STATUS_WIDTH = 'cancelled'.length;

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
    plural(agent.numTurns, 'turn').padStart(9),
    formatCost(agent.costUsd).padStart(7),
    formatElapsed(agent.startedAt, agent.finishedAt, now).padStart(7),
  ].join('  ');
  return `${agent.branch.padEnd(branchWidth)}  ${status}  ${figures}  ${agentNow(agent, colors)}`.trimEnd();
}

/** What an agent is doing now; for a finished one, what it changed or why it failed. */
function agentNow(agent: Agent, colors: Colors): string {
  if (agent.error) return colors.red(`${agent.error.code}: ${oneLine(agent.error.message)}`);
  if (isFinalAgentStatus(agent.status)) {
    return agent.diffStat === null
      ? ''
      : colors.dim(`${plural(agent.diffStat.files, 'file')} ${formatChanges(agent.diffStat)}`);
  }
  return colors.dim(oneLine(agent.activity ?? ''));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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

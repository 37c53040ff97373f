import type { Agent, Run } from './run.js';

/** Server-Sent Events of `GET /api/runs/:id/events`. */
export type RunStreamEvent =
  | { event: 'run'; id: string; data: Run }
  | { event: 'agent'; id: string; data: Agent }
  | { event: 'message'; id: string; data: MessageEventData };

export interface MessageEventData {
  agent: number;
  /** 1-based line number in that agent's transcript. */
  seq: number;
  message: unknown;
}

/**
 * Where a client is in a run's event stream. Derived only from the run directory, so any replica can
 * resume from it: for each agent, how many transcript lines were sent and the last agent state sent
 * (phase 0 queued, 1 starting, 2 running, 3 finished; `rev` is the worker's state.json revision), and
 * whether the final `run` event was sent.
 */
export interface StreamCursor {
  agents: AgentCursor[];
  done: boolean;
}
export interface AgentCursor {
  lines: number;
  phase: number;
  rev: number;
}

export const START_CURSOR = '0';

export function startCursor(agentCount: number): StreamCursor {
  return {
    agents: Array.from({ length: agentCount }, () => ({ lines: 0, phase: -1, rev: 0 })),
    done: false,
  };
}

/** `v1.<lines>-<phase>-<rev>_<lines>-<phase>-<rev>…[.f]`; `0` is the start. */
export function encodeCursor(cursor: StreamCursor): string {
  const agents = cursor.agents.map((a) => `${a.lines}-${a.phase + 1}-${a.rev}`).join('_');
  return `v1.${agents}${cursor.done ? '.f' : ''}`;
}

/** Parses a cursor for a run with `agentCount` agents; null when it is malformed. */
export function decodeCursor(text: string, agentCount: number): StreamCursor | null {
  if (text === START_CURSOR) return startCursor(agentCount);
  const match = /^v1\.([0-9_-]+)(\.f)?$/.exec(text);
  if (!match?.[1]) return null;
  const parts = match[1].split('_');
  if (parts.length !== agentCount) return null;
  const agents: AgentCursor[] = [];
  for (const part of parts) {
    const nums = part.split('-');
    if (nums.length !== 3 || nums.some((n) => !/^(0|[1-9][0-9]{0,9})$/.test(n))) return null;
    const [lines, phase, rev] = nums.map(Number) as [number, number, number];
    if (phase > 4) return null;
    agents.push({ lines, phase: phase - 1, rev });
  }
  return { agents, done: match[2] !== undefined };
}

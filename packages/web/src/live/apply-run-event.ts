import { deriveRunStatus, type Agent, type Run, type RunStreamEvent } from '@fanout/shared';

/** The sum of the agents' known costs; null when none is known. */
export function totalCost(agents: readonly Agent[]): number | null {
  const known = agents.map((a) => a.costUsd).filter((c): c is number => c !== null);
  return known.length === 0 ? null : known.reduce((sum, c) => sum + c, 0);
}

/**
 * The run after one stream event. A `run` event replaces it; an `agent` event replaces that agent and
 * re-derives the run's status and cost, so the header moves with the cards before the next `run` event.
 * `message` events leave the run as it is.
 */
export function applyRunEvent(run: Run | null, event: RunStreamEvent): Run | null {
  if (event.event === 'run') return event.data;
  if (event.event !== 'agent' || run === null) return run;
  const agent = event.data;
  if (!run.agents.some((a) => a.index === agent.index)) return run;
  const agents = run.agents.map((a) => (a.index === agent.index ? agent : a));
  return {
    ...run,
    agents,
    status: deriveRunStatus(
      agents.map((a) => a.status),
      run.cancelRequested,
    ),
    costUsd: totalCost(agents) ?? run.costUsd,
  };
}

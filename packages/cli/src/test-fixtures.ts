import type { Agent, Run } from '@fanout/shared';

/** An agent as the API returns it, with `overrides`. */
export function agentFixture(overrides: Partial<Agent> = {}): Agent {
  const index = overrides.index ?? 0;
  return {
    index,
    branch: `agent-${index}`,
    model: 'claude-sonnet-4-5',
    status: 'queued',
    startedAt: null,
    finishedAt: null,
    commit: null,
    diffStat: null,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
    costUsd: null,
    numTurns: 0,
    activity: null,
    check: null,
    ...overrides,
  };
}

/** A run as the API returns it, with `overrides`; two queued agents by default. */
export function runFixture(overrides: Partial<Run> = {}): Run {
  return {
    id: '01jz0000000000000000000000',
    prompt: 'add a README',
    createdAt: '2025-01-01T12:00:00.000Z',
    status: 'queued',
    baseCommit: 'a'.repeat(40),
    model: 'claude-sonnet-4-5',
    check: null,
    budgetUsd: null,
    setup: null,
    copyFiles: [],
    cancelRequested: false,
    finishedAt: null,
    costUsd: null,
    agents: [agentFixture({ index: 0 }), agentFixture({ index: 1 })],
    ...overrides,
  };
}

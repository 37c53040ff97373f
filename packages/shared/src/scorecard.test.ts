import { describe, expect, it } from 'vitest';
import type { CheckStatus } from './check.js';
import { ZERO_USAGE, type Agent, type Run } from './run.js';
import { scoreRun, scorecardSchema } from './scorecard.js';

function agent(index: number, overrides: Partial<Agent> & { checkStatus?: CheckStatus } = {}): Agent {
  const { checkStatus, ...rest } = overrides;
  return {
    index,
    branch: `agent-${index}`,
    model: null,
    status: 'succeeded',
    startedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: '2026-01-01T10:01:00.000Z',
    commit: 'c0ffee',
    diffStat: { files: 1, insertions: 10, deletions: 0 },
    usage: ZERO_USAGE,
    costUsd: 0.1,
    numTurns: 5,
    activity: null,
    check: checkStatus ? { status: checkStatus, exitCode: 0, durationMs: 1, output: '' } : null,
    ...rest,
  };
}

function run(agents: Agent[], status: Run['status'] = 'succeeded'): Run {
  return {
    id: '01jz0000000000000000000000',
    prompt: 'p',
    createdAt: '2026-01-01T10:00:00.000Z',
    status,
    baseCommit: 'base',
    model: null,
    check: null,
    budgetUsd: null,
    setup: null,
    copyFiles: [],
    cancelRequested: false,
    finishedAt: null,
    costUsd: null,
    agents,
  };
}

const order = (agents: Agent[]) => scoreRun(run(agents)).agents.map((e) => e.index);

describe('scoreRun', () => {
  it('puts succeeded agents first, then the other finished ones, then unfinished ones', () => {
    expect(
      order([
        agent(0, { status: 'running', finishedAt: null }),
        agent(1, { status: 'failed' }),
        agent(2),
        agent(3, { status: 'cancelled', diffStat: { files: 1, insertions: 1, deletions: 0 } }),
      ]),
    ).toEqual([2, 3, 1, 0]);
  });

  it('then a passed check, no check, a failed check, a check that could not run', () => {
    expect(
      order([
        agent(0, { checkStatus: 'error' }),
        agent(1, { checkStatus: 'failed' }),
        agent(2),
        agent(3, { checkStatus: 'passed', diffStat: { files: 9, insertions: 500, deletions: 9 } }),
      ]),
    ).toEqual([3, 2, 1, 0]);
  });

  it('then an agent that changed something, the smallest change first', () => {
    expect(
      order([
        agent(0, { diffStat: { files: 0, insertions: 0, deletions: 0 } }),
        agent(1, { diffStat: { files: 2, insertions: 30, deletions: 4 } }),
        agent(2, { diffStat: { files: 1, insertions: 3, deletions: 1 } }),
        agent(3, { diffStat: null }),
      ]),
    ).toEqual([2, 1, 0, 3]);
  });

  it('then cost, time and turns, less first and unknown last, then the index', () => {
    expect(
      order([
        agent(0, { costUsd: null }),
        agent(1, { costUsd: 0.3 }),
        agent(2, { costUsd: 0.2, finishedAt: '2026-01-01T10:05:00.000Z' }),
        agent(3, { costUsd: 0.2, numTurns: 9 }),
        agent(4, { costUsd: 0.2, numTurns: 2 }),
        agent(5, { costUsd: 0.2, numTurns: 2 }),
      ]),
    ).toEqual([4, 5, 3, 2, 1, 0]);
  });

  it('answers the figures it ranked by, with ranks from 1, in the documented shape', () => {
    const card = scoreRun(
      run(
        [
          agent(0, { checkStatus: 'failed' }),
          agent(1, { checkStatus: 'passed', diffStat: { files: 2, insertions: 7, deletions: 3 } }),
        ],
        'partial',
      ),
    );
    expect(scorecardSchema.parse(card)).toEqual(card);
    expect(card).toMatchObject({ runStatus: 'partial', final: true });
    expect(card.agents[0]).toEqual({
      rank: 1,
      index: 1,
      branch: 'agent-1',
      status: 'succeeded',
      check: 'passed',
      files: 2,
      changedLines: 10,
      costUsd: 0.1,
      durationMs: 60_000,
      numTurns: 5,
    });
    expect(card.agents[1]).toMatchObject({ rank: 2, index: 0, check: 'failed' });
    expect(scoreRun(run([agent(0)], 'running')).final).toBe(false);
  });
});

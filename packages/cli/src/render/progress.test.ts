import { describe, expect, it } from 'vitest';
import { agentFixture, runFixture } from '../test-fixtures.js';
import { makeColors } from './colors.js';
import { changedAgents, progressLine, progressLines, runHeaderLine } from './progress.js';

const plain = makeColors(false);
const now = new Date('2025-01-01T12:01:05Z');

describe('progress lines', () => {
  it('shows a running agent: branch, status, turns, cost, time, activity', () => {
    const agent = agentFixture({
      status: 'running',
      startedAt: '2025-01-01T12:00:00Z',
      numTurns: 3,
      costUsd: 0.0123,
      activity: 'Bash: npm test',
    });
    expect(progressLine(agent, plain, now)).toBe(
      'agent-0  running      3 turns  $0.0123   1m 05s  Bash: npm test',
    );
  });

  it('shows what a finished agent changed, or why it failed', () => {
    const done = agentFixture({
      status: 'succeeded',
      startedAt: '2025-01-01T12:00:00Z',
      finishedAt: '2025-01-01T12:00:42Z',
      numTurns: 1,
      costUsd: 1.5,
      diffStat: { files: 2, insertions: 10, deletions: 1 },
      activity: 'Finished',
    });
    expect(progressLine(done, plain, now)).toBe(
      'agent-0  succeeded    1 turn     $1.50      42s  2 files +10 -1',
    );
    const failed = agentFixture({
      index: 1,
      status: 'failed',
      error: { code: 'model_error', message: 'prompt is too long:\n300000 tokens', status: 400 },
    });
    expect(progressLine(failed, plain, now)).toBe(
      'agent-1  failed       0 turns        –        –  model_error: prompt is too long: 300000 tokens',
    );
  });

  it('aligns branches and heads the run with its id, size and model', () => {
    const agents = [0, 1, 10].map((index) => agentFixture({ index }));
    const lines = progressLines(runFixture({ agents }), plain, now);
    expect(lines.map((l) => l.indexOf('queued'))).toEqual([10, 10, 10]);
    expect(runHeaderLine(runFixture(), plain)).toBe(
      'run 01jz0000000000000000000000: 2 agents on claude-sonnet-4-5',
    );
    expect(runHeaderLine(runFixture({ model: null }), plain)).toMatch(/on the default model$/);
  });

  it('finds the agents whose status changed', () => {
    const before = runFixture();
    expect(changedAgents(null, before).map((a) => a.index)).toEqual([0, 1]);
    const after = runFixture({
      agents: [agentFixture({ index: 0, status: 'running' }), agentFixture({ index: 1, activity: 'x' })],
    });
    expect(changedAgents(before, after).map((a) => a.index)).toEqual([0]);
  });

  it('colours statuses only when asked', () => {
    const colored = progressLine(agentFixture({ status: 'failed' }), makeColors(true), now);
    expect(colored).toContain('\u001b[31mfailed');
  });
});

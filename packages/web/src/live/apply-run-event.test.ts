import { describe, expect, it } from 'vitest';
import { makeAgent, makeRun } from '../testing/run-fixtures';
import { applyRunEvent, totalCost } from './apply-run-event';

describe('applyRunEvent', () => {
  it('replaces the run on a run event', () => {
    const next = makeRun(2, { status: 'running' });
    expect(applyRunEvent(makeRun(2), { event: 'run', id: '1', data: next })).toBe(next);
    expect(applyRunEvent(null, { event: 'run', id: '1', data: next })).toBe(next);
  });

  it('replaces one agent and re-derives the run status and cost', () => {
    const run = makeRun(2);
    const running = applyRunEvent(run, {
      event: 'agent',
      id: '2',
      data: makeAgent(1, { status: 'running', costUsd: 0.5 }),
    });
    expect(running?.status).toBe('running');
    expect(running?.agents[1]?.status).toBe('running');
    expect(running?.agents[0]).toBe(run.agents[0]);
    expect(running?.costUsd).toBe(0.5);

    const cancelled = applyRunEvent(
      {
        ...running!,
        cancelRequested: true,
        agents: [makeAgent(0, { status: 'cancelled' }), running!.agents[1]!],
      },
      { event: 'agent', id: '3', data: makeAgent(1, { status: 'cancelled', costUsd: 0.7 }) },
    );
    expect(cancelled?.status).toBe('cancelled');
  });

  it('ignores messages, unknown agents and agent events before the run is known', () => {
    const run = makeRun(1);
    expect(applyRunEvent(run, { event: 'message', id: '1', data: { agent: 0, seq: 1, message: {} } })).toBe(
      run,
    );
    expect(applyRunEvent(run, { event: 'agent', id: '1', data: makeAgent(5) })).toBe(run);
    expect(applyRunEvent(null, { event: 'agent', id: '1', data: makeAgent(0) })).toBeNull();
  });

  it('sums known costs', () => {
    expect(totalCost([makeAgent(0), makeAgent(1)])).toBeNull();
    expect(totalCost([makeAgent(0, { costUsd: 0.25 }), makeAgent(1, { costUsd: 0.5 }), makeAgent(2)])).toBe(
      0.75,
    );
  });
});

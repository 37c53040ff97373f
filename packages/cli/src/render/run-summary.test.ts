import { describe, expect, it } from 'vitest';
import { agentFixture, runFixture } from '../test-fixtures.js';
import { makeColors } from './colors.js';
import { agentsTable, inspectHints, runDetails, runSummaryLine } from './run-summary.js';
import { runsTable } from './runs-table.js';

const plain = makeColors(false);
const now = new Date('2025-01-01T12:05:00Z');

const finished = runFixture({
  status: 'partial',
  finishedAt: '2025-01-01T12:01:12Z',
  costUsd: 0.0456,
  agents: [
    agentFixture({
      index: 0,
      status: 'succeeded',
      startedAt: '2025-01-01T12:00:01Z',
      finishedAt: '2025-01-01T12:00:31Z',
      diffStat: { files: 3, insertions: 42, deletions: 7 },
      numTurns: 5,
      costUsd: 0.0321,
    }),
    agentFixture({
      index: 1,
      status: 'failed',
      startedAt: '2025-01-01T12:00:01Z',
      finishedAt: '2025-01-01T12:00:02Z',
      numTurns: 0,
      costUsd: null,
      error: {
        code: 'model_error',
        message: 'prompt is too long: 300000 tokens > 200000 maximum',
        status: 400,
      },
    }),
  ],
});

describe('agents table', () => {
  it('lists branch, status, files, +/-, turns, cost, time and error', () => {
    expect(agentsTable(finished, plain, now).split('\n')).toEqual([
      'BRANCH   STATUS     FILES     +/-  TURNS     COST  TIME  ERROR',
      'agent-0  succeeded      3  +42 -7      5  $0.0321   30s',
      'agent-1  failed         –       –      0        –    1s  model_error: prompt is too long: 300000 tokens > 200000 maximum',
    ]);
  });

  it("shows each agent's check in a CHECK column when the run has a check", () => {
    const checked = runFixture({
      ...finished,
      check: 'npm test',
      agents: [
        agentFixture({
          ...finished.agents[0],
          check: { status: 'passed', exitCode: 0, durationMs: 5, output: '' },
        }),
        agentFixture({ ...finished.agents[1], check: null }),
        agentFixture({
          index: 2,
          status: 'succeeded',
          check: { status: 'failed', exitCode: 1, durationMs: 5, output: 'FAIL' },
        }),
        agentFixture({
          index: 3,
          status: 'succeeded',
          check: {
            status: 'error',
            exitCode: null,
            durationMs: 5,
            output: '',
            message: 'timed out after 600 s',
          },
        }),
      ],
    });
    const lines = agentsTable(checked, plain, now).split('\n');
    expect(lines[0]).toBe('BRANCH   STATUS     FILES     +/-  TURNS     COST  TIME  CHECK   ERROR');
    const at = lines[0]!.indexOf('CHECK');
    expect(lines.slice(1).map((line) => line.slice(at, at + 6).trim())).toEqual([
      'passed',
      '–',
      'failed',
      'error',
    ]);
    expect(lines[2]).toContain('–       model_error: prompt is too long');
    expect(runDetails(checked, plain, now)).toContain('check        npm test');
    expect(runDetails(finished, plain, now)).not.toContain('check');
  });

  it("shows the run's setup and copied files when it has them", () => {
    const prepared = runFixture({ ...finished, setup: 'npm ci', copyFiles: ['.env', 'config/local.json'] });
    expect(runDetails(prepared, plain, now)).toContain('setup        npm ci');
    expect(runDetails(prepared, plain, now)).toContain('copy files   .env, config/local.json');
    expect(runDetails(finished, plain, now)).not.toMatch(/setup|copy files/);
  });

  it('sums the run up in one line', () => {
    expect(runSummaryLine(finished, plain, now)).toBe(
      'run 01jz0000000000000000000000 partial: 1 of 2 agents succeeded, $0.0456, 1m 12s',
    );
  });

  it('shows the run details and how to inspect the branches', () => {
    const details = runDetails(finished, plain, now);
    expect(details).toContain('status       partial');
    expect(details).toContain('prompt       add a README');
    const hints = inspectHints(finished, plain);
    expect(hints).toContain(`fanout diff ${finished.id} 0`);
    expect(hints).toContain(
      `cd run-${finished.id}/repo && git branch && git diff main..agent-0 && git log agent-1 --oneline`,
    );
  });
});

describe('runs table', () => {
  it('lists id, status, agents, age, cost and a prompt excerpt', () => {
    const runs = [
      runFixture({
        id: '01jz0000000000000000000002',
        status: 'running',
        prompt: 'a\nlong   prompt that goes on',
      }),
      finished,
    ];
    expect(runsTable(runs, plain, now, 12).split('\n')).toEqual([
      'ID                          STATUS   AGENTS     AGE     COST  PROMPT',
      '01jz0000000000000000000002  running       2  5m ago        –  a long prom…',
      '01jz0000000000000000000000  partial       2  5m ago  $0.0456  add a README',
    ]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFileSchema, runFileSchema, runPaths, type Agent, type Run } from '@fanout/shared';
import {
  TEST_MODEL,
  api,
  claudeEnvFor,
  readEvents,
  scriptByAgent,
  startOrchestratorProcess,
  startScriptedModel,
  steps,
  waitForRun,
  type OrchestratorProcess,
  type ScriptedModel,
} from '@fanout/test-utils';
import { gitIn } from './git-inspect.js';

const { write, commit, text } = steps;

/** Passes only where ok.txt exists; either way it writes check.log, which must never be committed. */
const CHECK =
  'if test -f ok.txt; then echo "ok.txt is there" | tee check.log; else echo "ok.txt is missing" | tee check.log; exit 3; fi';

let model: ScriptedModel;
let orchestrator: OrchestratorProcess;

beforeAll(async () => {
  model = await startScriptedModel({
    script: scriptByAgent({
      // Agent 0 makes the check pass and commits its work itself.
      0: [write('ok.txt', 'ok\n'), commit('add ok.txt'), text('wrote ok.txt')],
      // Agent 1 makes it fail and leaves its work for fanout's safety-net commit.
      1: [write('other.txt', 'other\n'), text('wrote other.txt')],
    }),
  });
  orchestrator = await startOrchestratorProcess({ env: { ...claudeEnvFor(model), FANOUT_CONCURRENCY: '2' } });
});

afterAll(async () => {
  await orchestrator?.close();
  await model?.close();
});

describe('a run with a check, end to end with the real worker and Claude Code', () => {
  it('refuses a blank check, naming the field', async () => {
    const response = await api<{ error: { message: string; details: { field: string } } }>(
      orchestrator.url,
      'POST',
      '/api/runs',
      { prompt: 'p', agents: 1, check: '   ' },
    );
    expect(response.status).toBe(400);
    expect(response.json.error.message).toBe('check: must not be empty');
    expect(response.json.error.details.field).toBe('check');
  });

  it("runs the check in each agent's worktree after its final commit and reports it per agent", async () => {
    const response = await api<Run>(orchestrator.url, 'POST', '/api/runs', {
      prompt: 'make the check pass',
      agents: 2,
      model: TEST_MODEL,
      check: `  ${CHECK}\n`,
    });
    expect(response.status, response.text).toBe(201);
    const created = response.json;
    expect(created.check).toBe(CHECK);
    expect(created.agents.map((a) => a.check)).toEqual([null, null]);

    // Live events from the start: the final agent events carry the check.
    const live = readEvents(`${orchestrator.url}/api/runs/${created.id}/events`, { timeoutMs: 150_000 });
    const run = await waitForRun(orchestrator.url, created.id);
    const paths = runPaths(orchestrator.storage, run.id);
    const [first, second] = run.agents as [Agent, Agent];

    // The check does not change the agents' own outcomes.
    expect(run.status).toBe('succeeded');
    expect(first.status).toBe('succeeded');
    expect(second.status).toBe('succeeded');
    expect(first.check).toMatchObject({ status: 'passed', exitCode: 0, output: 'ok.txt is there\n' });
    expect(first.check?.message).toBeUndefined();
    expect(second.check).toMatchObject({ status: 'failed', exitCode: 3, output: 'ok.txt is missing\n' });
    for (const agent of run.agents) expect(agent.check?.durationMs).toBeGreaterThanOrEqual(0);

    // What is on disk says the same: the command in run.json, each result in result.json.
    const runFile = runFileSchema.parse(JSON.parse(readFileSync(paths.runJson, 'utf8')));
    expect(runFile.check).toBe(CHECK);
    const result = resultFileSchema.parse(JSON.parse(readFileSync(paths.agent(1).result, 'utf8')));
    expect(result.check).toEqual(second.check);

    // The branches hold the agents' work and nothing the check wrote; check.log stays in the worktrees.
    expect(gitIn(paths.repo, 'ls-tree', '-r', '--name-only', 'agent-0').trim()).toBe('ok.txt');
    expect(gitIn(paths.repo, 'ls-tree', '-r', '--name-only', 'agent-1').trim()).toBe('other.txt');
    expect(gitIn(paths.repo, 'log', '-1', '--format=%s', 'agent-1').trim()).toBe(
      'fanout: save uncommitted work after the agent finished',
    );
    for (const i of [0, 1]) {
      expect(existsSync(join(paths.worktree(i), 'check.log'))).toBe(true);
      expect(gitIn(paths.worktree(i), 'status', '--porcelain').trim()).toBe('?? check.log');
      expect(run.agents[i]?.commit).toBe(gitIn(paths.repo, 'rev-parse', `agent-${i}`).trim());
    }

    const { events } = await live;
    const finalAgentEvents = events
      .filter((e) => e.event === 'agent')
      .map((e) => e.data as Agent)
      .filter((a) => a.status === 'succeeded');
    expect(finalAgentEvents.map((a) => [a.index, a.check?.status]).sort()).toEqual([
      [0, 'passed'],
      [1, 'failed'],
    ]);
    expect(events.at(-1)).toMatchObject({ event: 'run', data: { check: CHECK, status: 'succeeded' } });

    // The list (served from the cache of finished runs) carries it too.
    const list = await api<{ runs: Run[] }>(orchestrator.url, 'GET', '/api/runs');
    const listed = list.json.runs.find((r) => r.id === run.id);
    expect(listed?.check).toBe(CHECK);
    expect(listed?.agents.map((a) => a.check?.status)).toEqual(['passed', 'failed']);
  });
});

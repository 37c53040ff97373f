import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseBranchName, runPaths, type MergeResult, type Run, type Scorecard } from '@fanout/shared';
import {
  TEST_MODEL,
  api,
  claudeEnvFor,
  scriptByPrompt,
  startOrchestratorProcess,
  startScriptedModel,
  steps,
  waitForRun,
  type OrchestratorProcess,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';
import { gitIn, makeBaseRepo } from './git-inspect.js';

const { bash, write, commit, pause, text } = steps;

type ErrorBody = { error: { code: string; message: string; details?: { field?: string; files?: string[] } } };

/**
 * Agents 0 and 1 both rewrite shared.txt (they conflict); agent 2 adds a file of its own; agent 3 is
 * still working when the test first tries to merge it.
 */
const scripts: Record<string, Record<number, Step[]>> = {
  merge: {
    // Claude Code's Write refuses to replace a file it has not read; a shell edit does not.
    0: [bash("echo 'agent 0 wrote this' > shared.txt"), commit('agent 0'), text('done')],
    1: [bash("echo 'agent 1 wrote this' > shared.txt"), commit('agent 1'), text('done')],
    2: [write('own-2.txt', 'agent 2\n'), commit('agent 2'), text('done')],
    3: [pause(8_000), write('own-3.txt', 'agent 3\n'), commit('agent 3'), text('done')],
  },
};

let model: ScriptedModel;
let orchestrator: OrchestratorProcess;
let base: string;
let run: Run;
let repo: string;

const merge = (id: string, body: unknown) =>
  api<MergeResult & ErrorBody>(orchestrator.url, 'POST', `/api/runs/${id}/merge`, body);

beforeAll(async () => {
  model = await startScriptedModel({
    script: scriptByPrompt(
      Object.fromEntries(Object.entries(scripts).map(([k, v]) => [k, (i) => v[i] ?? []])),
    ),
  });
  orchestrator = await startOrchestratorProcess({ env: { ...claudeEnvFor(model), FANOUT_CONCURRENCY: '4' } });
  base = makeBaseRepo({ 'shared.txt': 'the base\n' }, 'trunk');
  const created = await api<Run>(orchestrator.url, 'POST', '/api/runs', {
    prompt: '[merge] change shared.txt',
    agents: 4,
    model: TEST_MODEL,
    baseRepo: base,
  });
  expect(created.status).toBe(201);
  run = created.json;
  repo = runPaths(orchestrator.storage, run.id).repo;
});

afterAll(async () => {
  await orchestrator?.close();
  await model?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('POST /api/runs/:id/merge', () => {
  it('refuses an agent that is still working, and leaves main alone', async () => {
    const before = gitIn(repo, 'rev-parse', 'main');
    const response = await merge(run.id, { agent: 3 });
    expect(response.status).toBe(409);
    expect(response.json.error.code).toBe('conflict');
    expect(response.json.error.message).toMatch(
      /agent-3 is still (queued|starting|running); merge it once it has finished/,
    );
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(before);
  });

  it('merges a finished agent into the run’s main with a merge commit', async () => {
    const finished = await waitForRun(orchestrator.url, run.id);
    expect(finished.agents.map((a) => a.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const response = await merge(run.id, { agent: 0 });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ agent: 0, into: 'main', branch: 'main', changed: true });
    expect(response.json.commit).toBe(gitIn(repo, 'rev-parse', 'main').trim());
    expect(gitIn(repo, 'show', 'main:shared.txt')).toBe('agent 0 wrote this\n');
    expect(gitIn(repo, 'log', '-1', '--format=%s', 'main').trim()).toBe(
      `fanout: merge agent-0 of run ${run.id}`,
    );
    expect(gitIn(repo, 'merge-base', '--is-ancestor', 'agent-0', 'main')).toBe('');
    // The agents' branches are untouched.
    expect(gitIn(repo, 'rev-parse', 'agent-0').trim()).toBe(finished.agents[0]!.commit);
  });

  it('merging the same agent again changes nothing', async () => {
    const before = gitIn(repo, 'rev-parse', 'main').trim();
    const response = await merge(run.id, { agent: 0 });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ changed: false, commit: before });
  });

  it('a conflicting agent answers 409 with the files, and main is as it was, with no merge left half done', async () => {
    const before = gitIn(repo, 'rev-parse', 'main').trim();
    const response = await merge(run.id, { agent: 1 });
    expect(response.status).toBe(409);
    expect(response.json.error.details?.files).toEqual(['shared.txt']);
    expect(response.json.error.message).toBe(
      'agent-1 conflicts with main in 1 file: shared.txt; main is unchanged',
    );
    expect(gitIn(repo, 'rev-parse', 'main').trim()).toBe(before);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
  });

  it('an agent that touched other files merges on top of the first', async () => {
    const response = await merge(run.id, { agent: 2 });
    expect(response.status).toBe(200);
    expect(response.json.changed).toBe(true);
    expect(gitIn(repo, 'show', 'main:shared.txt')).toBe('agent 0 wrote this\n');
    expect(gitIn(repo, 'show', 'main:own-2.txt')).toBe('agent 2\n');
  });

  it('into "base" adds the agent’s branch to the base repository without touching its checkout', async () => {
    const response = await merge(run.id, { agent: 1, into: 'base' });
    expect(response.status).toBe(200);
    const branch = baseBranchName(run.id, 1);
    expect(response.json).toMatchObject({ agent: 1, into: 'base', branch, repo: base, changed: true });
    expect(gitIn(base, 'rev-parse', branch).trim()).toBe(gitIn(repo, 'rev-parse', 'agent-1').trim());
    expect(gitIn(base, 'show', `${branch}:shared.txt`)).toBe('agent 1 wrote this\n');
    expect(gitIn(base, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('trunk');
    expect(gitIn(base, 'show', 'HEAD:shared.txt')).toBe('the base\n');
    const again = await merge(run.id, { agent: 1, into: 'base' });
    expect(again.status).toBe(200);
    expect(again.json.changed).toBe(false);
  });

  it('refuses bad input with the field named', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{}, 400, 'invalid_request', /^agent: is required$/],
      [{ agent: '1' }, 400, 'invalid_request', /^agent: must be an agent index/],
      [{ agent: -1 }, 400, 'invalid_request', /^agent: must be an agent index/],
      [{ agent: 0, into: 'trunk' }, 400, 'invalid_request', /^into: must be "main" or "base"$/],
      [{ agent: 0, force: true }, 400, 'invalid_request', /^force: is not a known field$/],
      [{ agent: 9 }, 404, 'agent_not_found', /^agent: run \w+ has no agent 9 \(its agents are 0 to 3\)$/],
    ];
    for (const [body, status, code, message] of cases) {
      const response = await merge(run.id, body);
      expect({ body, status: response.status, code: response.json.error?.code }).toEqual({
        body,
        status,
        code,
      });
      expect(response.json.error.message).toMatch(message);
    }
    const missing = await merge('0000000000aaaaaaaaaaaaaaaa', { agent: 0 });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('run_not_found');
  });
});

describe('GET /api/runs/:id/scorecard', () => {
  it('ranks the finished agents: the smallest change first, then the quicker', async () => {
    const response = await api<Scorecard>(orchestrator.url, 'GET', `/api/runs/${run.id}/scorecard`);
    expect(response.status).toBe(200);
    const card = response.json;
    expect(card).toMatchObject({ runId: run.id, runStatus: 'succeeded', final: true });
    expect(card.agents.map((e) => e.rank)).toEqual([1, 2, 3, 4]);
    // Agents 2 and 3 each added one line; 3 paused for 8 s first. Agents 0 and 1 replaced a line.
    expect(card.agents.slice(0, 2).map((e) => [e.index, e.changedLines, e.files])).toEqual([
      [2, 1, 1],
      [3, 1, 1],
    ]);
    expect(
      card.agents
        .slice(2)
        .map((e) => e.index)
        .sort(),
    ).toEqual([0, 1]);
    for (const e of card.agents) {
      expect(e).toMatchObject({ status: 'succeeded', check: null, branch: `agent-${e.index}` });
      expect(e.durationMs).toBeGreaterThan(0);
    }
    expect(card.agents.slice(2).every((e) => e.changedLines === 2)).toBe(true);
  });

  it('answers 404 for a run that does not exist', async () => {
    const response = await api<ErrorBody>(
      orchestrator.url,
      'GET',
      '/api/runs/0000000000aaaaaaaaaaaaaaaa/scorecard',
    );
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('run_not_found');
  });
});

describe('merge into "base" of a run without a base repository', () => {
  it('answers 400 naming into', async () => {
    const created = await api<Run>(orchestrator.url, 'POST', '/api/runs', {
      prompt: '[none] nothing',
      agents: 1,
    });
    const finished = await waitForRun(orchestrator.url, created.json.id);
    expect(finished.agents[0]!.status).toBe('succeeded');
    const response = await merge(created.json.id, { agent: 0, into: 'base' });
    expect(response.status).toBe(400);
    expect(response.json.error.details?.field).toBe('into');
    expect(response.json.error.message).toMatch(/^into: the run did not start from a base repository/);
  });
});

describe('a new run from an agent’s worktree of an earlier run', () => {
  it('starts at that agent’s work, with its own agent branches', async () => {
    await waitForRun(orchestrator.url, run.id);
    const worktree = runPaths(orchestrator.storage, run.id).worktree(1);
    const head = gitIn(worktree, 'rev-parse', 'HEAD').trim();
    // The worktree has agent-1 checked out, so a clone of it brings a branch agent-1 along.
    const created = await api<Run>(orchestrator.url, 'POST', '/api/runs', {
      prompt: '[follow] go on from agent 1',
      agents: 2,
      baseRepo: worktree,
    });
    expect(created.status).toBe(201);
    expect(created.json.baseCommit).toBe(head);
    const finished = await waitForRun(orchestrator.url, created.json.id);
    expect(finished.agents.map((agent) => agent.status)).toEqual(['succeeded', 'succeeded']);
    const next = runPaths(orchestrator.storage, created.json.id);
    expect(gitIn(next.repo, 'rev-parse', 'main').trim()).toBe(head);
    for (const i of [0, 1]) {
      expect(gitIn(next.repo, 'merge-base', `agent-${i}`, 'main').trim()).toBe(head);
      expect(gitIn(next.worktree(i), 'show', 'HEAD:shared.txt')).toBe('agent 1 wrote this\n');
    }
  });
});

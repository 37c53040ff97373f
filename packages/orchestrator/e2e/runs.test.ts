import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaths, type Run } from '@fanout/shared';
import {
  TEST_MODEL,
  api,
  claudeEnvFor,
  scriptByPrompt,
  steps,
  startOrchestratorProcess,
  startScriptedModel,
  waitForRun,
  type OrchestratorProcess,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';
import { changedFiles, gitIn } from './git-inspect.js';

const { write, bash } = steps;

/** Scripts keyed by a word in the prompt, so one model server serves every test of this file. */
const scripts: Record<string, Record<number, Step[]>> = {
  'three-files': Object.fromEntries(
    [0, 1, 2].map((i) => [
      i,
      [
        write(`file-${i}.txt`, `agent ${i} was here\n`),
        bash(`git add -A && git commit -q -m "add file-${i}"`),
        { kind: 'text', text: `wrote file-${i}` },
      ],
    ]),
  ),
  mcp: {
    0: [
      {
        kind: 'tool',
        calls: [
          {
            name: 'mcp__claude__Write',
            input: { file_path: 'via-mcp.txt', content: 'written through claude mcp serve\n' },
          },
        ],
      },
      { kind: 'text', text: 'done' },
    ],
  },
  'no-commit': {
    0: [
      write('uncommitted.txt', 'not committed by the agent\n'),
      { kind: 'text', text: 'done, forgot to commit' },
    ],
  },
  'one-fails': {
    0: [write('ok-0.txt', 'ok\n'), { kind: 'text', text: 'ok' }],
    1: [
      { kind: 'error', status: 400, message: 'messages.0.content: the scripted model refuses this request' },
    ],
    2: [write('ok-2.txt', 'ok\n'), { kind: 'text', text: 'ok' }],
  },
};

let model: ScriptedModel;
let orchestrator: OrchestratorProcess;

beforeAll(async () => {
  const byName = Object.entries(scripts).map(([name, byAgent]) => [name, (i: number) => byAgent[i] ?? []]);
  model = await startScriptedModel({ script: scriptByPrompt(Object.fromEntries(byName)) });
  orchestrator = await startOrchestratorProcess({ env: { ...claudeEnvFor(model), FANOUT_CONCURRENCY: '4' } });
});

afterAll(async () => {
  await orchestrator?.close();
  await model?.close();
});

async function createRun(prompt: string, agents: number): Promise<Run> {
  const response = await api<Run>(orchestrator.url, 'POST', '/api/runs', {
    prompt,
    agents,
    model: TEST_MODEL,
  });
  expect(response.status, response.text).toBe(201);
  return response.json;
}

describe('runs end to end with the real worker and Claude Code', () => {
  it('three agents each commit their own file on their own branch', async () => {
    const created = await createRun('[three-files] each agent writes its own file', 3);
    expect(created.agents.map((a) => a.branch)).toEqual(['agent-0', 'agent-1', 'agent-2']);
    const run = await waitForRun(orchestrator.url, created.id);
    expect(run.status).toBe('succeeded');
    const repo = runPaths(orchestrator.storage, run.id).repo;
    expect(gitIn(repo, 'branch', '--format=%(refname:short)').split('\n').filter(Boolean).sort()).toEqual([
      'agent-0',
      'agent-1',
      'agent-2',
      'main',
    ]);
    for (const agent of run.agents) {
      const i = agent.index;
      expect(agent.status).toBe('succeeded');
      expect(changedFiles(repo, `main..agent-${i}`)).toEqual([`file-${i}.txt`]);
      expect(gitIn(repo, 'show', `agent-${i}:file-${i}.txt`)).toBe(`agent ${i} was here\n`);
      expect(gitIn(repo, 'log', '-1', '--format=%an|%s', `agent-${i}`).trim()).toBe(
        `agent-${i}|add file-${i}`,
      );
      expect(agent.commit).toBe(gitIn(repo, 'rev-parse', `agent-${i}`).trim());
      expect(agent.diffStat).toEqual({ files: 1, insertions: 1, deletions: 0 });
      expect(agent.usage.inputTokens).toBeGreaterThan(0);
      expect(agent.usage.outputTokens).toBeGreaterThan(0);
      expect(agent.costUsd).toBeGreaterThan(0);
      expect(agent.numTurns).toBeGreaterThanOrEqual(3);
    }
    expect(run.costUsd).toBeGreaterThan(0);
    const diff = await api(orchestrator.url, 'GET', `/api/runs/${run.id}/agents/1/diff`);
    expect(diff.status).toBe(200);
    expect(diff.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(diff.text).toContain('+++ b/file-1.txt');
    expect(diff.text).toContain('+agent 1 was here');
    expect(diff.text).not.toContain('file-0.txt');
    const transcript = await api(orchestrator.url, 'GET', `/api/runs/${run.id}/agents/0/transcript`);
    expect(transcript.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = transcript.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]?.type).toBe('system');
    expect(lines.at(-1)?.type).toBe('result');
    // Metadata stays out of the repository and the worktrees.
    expect(gitIn(runPaths(orchestrator.storage, run.id).worktree(0), 'status', '--porcelain')).toBe('');
    expect(gitIn(repo, 'config', 'gc.auto').trim()).toBe('0');
  });

  it('commits what an agent left uncommitted, as fanout', async () => {
    const created = await createRun('[no-commit] write a file', 1);
    const run = await waitForRun(orchestrator.url, created.id);
    expect(run.status).toBe('succeeded');
    const repo = runPaths(orchestrator.storage, run.id).repo;
    expect(changedFiles(repo, 'main..agent-0')).toEqual(['uncommitted.txt']);
    const [author, subject] = gitIn(repo, 'log', '-1', '--format=%an%n%s', 'agent-0').split('\n');
    expect(author).toBe('fanout');
    expect(subject).toMatch(/^fanout: /);
  });

  it('an agent writes through the MCP server (claude mcp serve) and the file is committed', async () => {
    const created = await createRun('[mcp] write through MCP', 1);
    const run = await waitForRun(orchestrator.url, created.id);
    expect(run.status).toBe('succeeded');
    const repo = runPaths(orchestrator.storage, run.id).repo;
    expect(gitIn(repo, 'show', 'agent-0:via-mcp.txt')).toBe('written through claude mcp serve\n');
    const transcript = await api(orchestrator.url, 'GET', `/api/runs/${run.id}/agents/0/transcript`);
    const init = JSON.parse(transcript.text.split('\n')[0]!) as {
      mcp_servers: { name: string; status: string }[];
    };
    expect(init.mcp_servers).toContainEqual(expect.objectContaining({ name: 'claude', status: 'connected' }));
    expect(transcript.text).toContain('"name":"mcp__claude__Write"');
  });

  it("an agent that is not one of the run's → 404 agent_not_found", async () => {
    const { runs } = (await api<{ runs: Run[] }>(orchestrator.url, 'GET', '/api/runs?limit=1')).json;
    const id = runs[0]!.id;
    for (const n of ['3', '-1', '01', 'x', '99999', '..%2F..']) {
      for (const path of [`/api/runs/${id}/agents/${n}/diff`, `/api/runs/${id}/agents/${n}/transcript`]) {
        const response = await api<{ error: { code: string } }>(orchestrator.url, 'GET', path);
        expect(response.status, path).toBe(404);
        expect(response.json.error.code, path).toBe('agent_not_found');
      }
    }
    const compare = await api(orchestrator.url, 'GET', `/api/runs/${id}/compare?a=0&b=7`);
    expect(compare.status).toBe(404);
  });

  it('one agent of three gets a model error: it fails with the message, the run is partial', async () => {
    const created = await createRun('[one-fails] write ok', 3);
    const run = await waitForRun(orchestrator.url, created.id);
    expect(run.status).toBe('partial');
    expect(run.agents.map((a) => a.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    const failed = run.agents[1]!;
    expect(failed.error?.code).toBe('model_error');
    expect(failed.error?.message).toContain('the scripted model refuses this request');
    expect(failed.error?.status).toBe(400);
  });

  it('lists runs newest first with paging', async () => {
    const first = await api<{ runs: Run[]; nextCursor: string | null }>(
      orchestrator.url,
      'GET',
      '/api/runs?limit=2',
    );
    expect(first.status).toBe(200);
    expect(first.json.runs).toHaveLength(2);
    expect(first.json.nextCursor).not.toBeNull();
    const rest = await api<{ runs: Run[]; nextCursor: string | null }>(
      orchestrator.url,
      'GET',
      `/api/runs?limit=200&cursor=${first.json.nextCursor}`,
    );
    const ids = [...first.json.runs, ...rest.json.runs].map((r) => r.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(ids.length);
    expect(rest.json.nextCursor).toBeNull();
    expect(existsSync(join(orchestrator.storage, `run-${ids[0]}`, 'run.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(orchestrator.storage, `run-${ids[0]}`, 'run.json'), 'utf8')).id).toBe(
      ids[0],
    );
  });
});

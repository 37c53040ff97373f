import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFileSchema, runPaths, type Run } from '@fanout/shared';
import {
  TEST_MODEL,
  api,
  claudeEnvFor,
  scriptByAgent,
  startOrchestratorProcess,
  startScriptedModel,
  steps,
  waitForRun,
  type OrchestratorProcess,
  type ScriptedModel,
} from '@fanout/test-utils';
import { gitIn, makeBaseRepo } from './git-inspect.js';

const { write, commit, text } = steps;

const SETUP = 'mkdir -p build && echo x > build/out.txt';
const ENV = 'SECRET=from-the-base-repository\n';

type ErrorBody = { error: { code: string; message: string; details: { field: string } } };

let model: ScriptedModel;
let orchestrator: OrchestratorProcess;
let base: string;

beforeAll(async () => {
  model = await startScriptedModel({
    // Each agent writes a file of its own and commits everything with `git add -A`.
    script: scriptByAgent({
      0: [write('agent-0.txt', 'zero\n'), commit('agent 0'), text('done')],
      1: [write('agent-1.txt', 'one\n'), commit('agent 1'), text('done')],
    }),
  });
  orchestrator = await startOrchestratorProcess({ env: { ...claudeEnvFor(model), FANOUT_CONCURRENCY: '2' } });
  // A base repository with a tracked file and an untracked .env.
  base = makeBaseRepo({ 'tracked.txt': 'tracked\n' });
  writeFileSync(join(base, '.env'), ENV);
});

afterAll(async () => {
  await orchestrator?.close();
  await model?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('a run with setup and copyFiles, end to end with the real worker and Claude Code', () => {
  const refused = async (body: Record<string, unknown>) => {
    const response = await api<ErrorBody>(orchestrator.url, 'POST', '/api/runs', {
      prompt: 'p',
      agents: 1,
      model: TEST_MODEL,
      ...body,
    });
    expect(response.status, response.text).toBe(400);
    expect(response.json.error.code).toBe('invalid_request');
    return { message: response.json.error.message, field: response.json.error.details.field };
  };

  it('refuses copyFiles that cannot be copied, naming the element, and creates nothing', async () => {
    expect(await refused({ baseRepo: base, copyFiles: ['.env', 'tracked.txt'] })).toEqual({
      field: 'copyFiles.1',
      message: 'copyFiles.1: tracked.txt is tracked by git in HEAD; every worktree has it already',
    });
    expect(await refused({ baseRepo: base, copyFiles: ['missing.env'] })).toEqual({
      field: 'copyFiles.0',
      message: 'copyFiles.0: missing.env does not exist in the base repository',
    });
    expect(await refused({ baseRepo: base, copyFiles: ['../x'] })).toEqual({
      field: 'copyFiles.0',
      message: 'copyFiles.0: must be a relative path inside the base repository',
    });
    expect(await refused({ copyFiles: ['.env'] })).toEqual({
      field: 'copyFiles',
      message: 'copyFiles: needs baseRepo',
    });
    expect(await refused({ setup: '  ' })).toEqual({ field: 'setup', message: 'setup: must not be empty' });
    const list = await api<{ runs: Run[] }>(orchestrator.url, 'GET', '/api/runs');
    expect(list.json.runs).toEqual([]);
  });

  it('copies .env into each worktree and runs the setup there; neither ever reaches a branch', async () => {
    const response = await api<Run>(orchestrator.url, 'POST', '/api/runs', {
      prompt: 'write your file',
      agents: 2,
      model: TEST_MODEL,
      baseRepo: base,
      copyFiles: ['./.env'],
      setup: ` ${SETUP} `,
    });
    expect(response.status, response.text).toBe(201);
    expect(response.json).toMatchObject({ setup: SETUP, copyFiles: ['.env'] });

    const run = await waitForRun(orchestrator.url, response.json.id);
    expect(run.status).toBe('succeeded');
    expect(run).toMatchObject({ setup: SETUP, copyFiles: ['.env'] });
    const paths = runPaths(orchestrator.storage, run.id);
    expect(runFileSchema.parse(JSON.parse(readFileSync(paths.runJson, 'utf8')))).toMatchObject({
      setup: SETUP,
      copyFiles: ['.env'],
    });

    for (const i of [0, 1]) {
      const worktree = paths.worktree(i);
      expect(readFileSync(join(worktree, '.env'), 'utf8')).toBe(ENV);
      expect(readFileSync(join(worktree, 'build', 'out.txt'), 'utf8')).toBe('x\n');
      // The branch holds the base and the agent's own file: no .env, nothing of build/.
      const tree = gitIn(paths.repo, 'ls-tree', '-r', '--name-only', `agent-${i}`).trim().split('\n');
      expect(tree).toEqual([`agent-${i}.txt`, 'tracked.txt']);
      expect(gitIn(paths.repo, 'log', '--format=%s', `${run.baseCommit}..agent-${i}`).trim()).toBe(
        `agent ${i}`,
      );
      expect(gitIn(worktree, 'status', '--porcelain', '--untracked-files=all')).toBe('');
      expect(run.agents[i]?.commit).toBe(gitIn(paths.repo, 'rev-parse', `agent-${i}`).trim());
      expect(existsSync(paths.agent(i).setupLog)).toBe(true);
    }
    // The base repository is untouched.
    expect(gitIn(base, 'status', '--porcelain')).toBe('?? .env\n');
  });
});

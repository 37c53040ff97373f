import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFileSchema, runPaths, type Run } from '@fanout/shared';
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
} from '@fanout/test-utils';
import { gitIn } from './git-inspect.js';

const { write, text } = steps;

let model: ScriptedModel;
let orchestrator: OrchestratorProcess;

beforeAll(async () => {
  // Every answer costs $0.006 on the test model (1,000 tokens in at $3/M, 200 out at $15/M).
  model = await startScriptedModel({
    usage: { inputTokens: 1000, outputTokens: 200 },
    script: scriptByPrompt({
      // Five turns: more than an agent's share of a $0.02 budget for two ($0.01, passed on the second).
      spend: (i) => [
        write(`a-${i}.txt`, 'a\n'),
        write(`b-${i}.txt`, 'b\n'),
        write(`c-${i}.txt`, 'c\n'),
        write(`d-${i}.txt`, 'd\n'),
        text('done'),
      ],
    }),
  });
  orchestrator = await startOrchestratorProcess({ env: { ...claudeEnvFor(model), FANOUT_CONCURRENCY: '2' } });
});

afterAll(async () => {
  await orchestrator?.close();
  await model?.close();
});

type ErrorBody = { error: { code: string; message: string; details?: { field?: string } } };

describe('budgetUsd: a spending limit for the whole run', () => {
  it('stops each agent once it passes its share, and commits its work', async () => {
    const created = await api<Run>(orchestrator.url, 'POST', '/api/runs', {
      prompt: '[spend] write four files',
      agents: 2,
      model: TEST_MODEL,
      budgetUsd: 0.02,
    });
    expect(created.status).toBe(201);
    expect(created.json.budgetUsd).toBe(0.02);
    const paths = runPaths(orchestrator.storage, created.json.id);
    expect(runFileSchema.parse(JSON.parse(readFileSync(paths.runJson, 'utf8'))).budgetUsd).toBe(0.02);

    const run = await waitForRun(orchestrator.url, created.json.id);
    expect(run.status).toBe('failed');
    for (const agent of run.agents) {
      expect(agent).toMatchObject({ status: 'failed', error: { code: 'budget' } });
      expect(agent.error?.message).toMatch(/\(its share of the run's \$0\.02 budget is \$0\.01\)$/);
      // The work done before the limit is on the branch; the agent never got to its last file.
      const files = gitIn(paths.repo, 'ls-tree', '--name-only', agent.branch).split('\n');
      expect(files).toContain(`a-${agent.index}.txt`);
      expect(files).not.toContain(`d-${agent.index}.txt`);
      expect(agent.commit).toBe(gitIn(paths.repo, 'rev-parse', agent.branch).trim());
    }
    // Claude Code stops an agent once its spend passes its share: at most one turn beyond it.
    for (const agent of run.agents) {
      expect(agent.costUsd).toBeGreaterThan(0.01);
      expect(agent.costUsd).toBeLessThanOrEqual(0.01 + 0.006 + 1e-9);
    }
  });

  it('refuses a budget that is not a number of dollars from 0.01 to 10000, naming the field', async () => {
    for (const budgetUsd of [0, -1, 0.001, 10_001, '5', null]) {
      const response = await api<ErrorBody>(orchestrator.url, 'POST', '/api/runs', {
        prompt: 'x',
        agents: 1,
        budgetUsd,
      });
      expect({ budgetUsd, status: response.status }).toEqual({ budgetUsd, status: 400 });
      expect(response.json.error.details?.field).toBe('budgetUsd');
      expect(response.json.error.message).toBe(
        'budgetUsd: must be a number of US dollars from 0.01 to 10000',
      );
    }
  });
});

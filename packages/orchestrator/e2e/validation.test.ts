import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startOrchestratorProcess, type OrchestratorProcess } from '@fanout/test-utils';

let orchestrator: OrchestratorProcess;
beforeAll(async () => {
  orchestrator = await startOrchestratorProcess();
});
afterAll(async () => {
  await orchestrator?.close();
});

type ErrorBody = { error: { code: string; message: string; details?: { field?: string } } };

const storageEntries = () => readdirSync(orchestrator.storage).filter((n) => !n.startsWith('.'));

describe('bad input is refused with the field named, and nothing is written', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['agents 0', { prompt: 'x', agents: 0 }, 'agents', /agents: must be an integer from 1 to 16/],
    ['agents 17', { prompt: 'x', agents: 17 }, 'agents', /agents: must be an integer from 1 to 16/],
    ['agents "3"', { prompt: 'x', agents: '3' }, 'agents', /agents: must be an integer from 1 to 16/],
    ['agents 2.5', { prompt: 'x', agents: 2.5 }, 'agents', /agents: must be an integer/],
    ['missing prompt', { agents: 1 }, 'prompt', /prompt: is required/],
    ['empty prompt', { prompt: '   ', agents: 1 }, 'prompt', /prompt: must not be empty/],
    ['prompt not a string', { prompt: 5, agents: 1 }, 'prompt', /prompt: must be a string/],
    [
      'over-long prompt',
      { prompt: 'x'.repeat(100_001), agents: 1 },
      'prompt',
      /prompt: must be at most 100000 characters/,
    ],
    ['unknown field', { prompt: 'x', agents: 1, agentz: 2 }, 'agentz', /agentz: is not a known field/],
    ['missing agents', { prompt: 'x' }, 'agents', /agents: is required/],
    ['a JSON array', [1, 2], 'body', /body: must be a JSON object/],
  ];
  for (const [name, body, field, message] of cases) {
    it(`${name} → 400 naming ${field}`, async () => {
      const response = await api<ErrorBody>(orchestrator.url, 'POST', '/api/runs', body);
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe('invalid_request');
      expect(response.json.error.details?.field).toBe(field);
      expect(response.json.error.message).toMatch(message);
      expect(storageEntries()).toEqual([]);
    });
  }

  it('a body that is not JSON → 400', async () => {
    const response = await api<ErrorBody>(orchestrator.url, 'POST', '/api/runs', '{"prompt": "x", agents: ');
    expect(response.status).toBe(400);
    expect(response.json.error.details?.field).toBe('body');
    expect(response.json.error.message).toMatch(/must be valid JSON/);
    expect(storageEntries()).toEqual([]);
  });

  it('a 2 MB prompt → 413', async () => {
    const response = await api<ErrorBody>(orchestrator.url, 'POST', '/api/runs', {
      prompt: 'x'.repeat(2 * 1024 * 1024),
      agents: 1,
    });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('payload_too_large');
    expect(storageEntries()).toEqual([]);
  });

  it('a base repository that does not exist → 400 naming baseRepo', async () => {
    const response = await api<ErrorBody>(orchestrator.url, 'POST', '/api/runs', {
      prompt: 'x',
      agents: 1,
      baseRepo: '/nonexistent/repo',
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details?.field).toBe('baseRepo');
    expect(storageEntries()).toEqual([]);
  });

  for (const id of ['01jz0000000000000000000000', 'nope', '..%2F..', '..%2F..%2Fetc', 'run-1']) {
    it(`unknown or malformed run id ${id} → 404 run_not_found`, async () => {
      for (const path of [
        `/api/runs/${id}`,
        `/api/runs/${id}/events`,
        `/api/runs/${id}/agents/0/diff`,
        `/api/runs/${id}/agents/0/transcript`,
      ]) {
        const response = await api<ErrorBody>(orchestrator.url, 'GET', path);
        expect(response.status, path).toBe(404);
        expect(response.json.error.code, path).toBe('run_not_found');
      }
      const cancel = await api<ErrorBody>(orchestrator.url, 'POST', `/api/runs/${id}/cancel`);
      expect(cancel.status).toBe(404);
    });
  }

  it('paging parameters are checked', async () => {
    expect((await api(orchestrator.url, 'GET', '/api/runs?limit=0')).status).toBe(400);
    expect((await api(orchestrator.url, 'GET', '/api/runs?limit=201')).status).toBe(400);
    expect((await api(orchestrator.url, 'GET', '/api/runs?cursor=..%2F')).status).toBe(400);
    const empty = await api<{ runs: unknown[]; nextCursor: null }>(orchestrator.url, 'GET', '/api/runs');
    expect(empty.json).toEqual({ runs: [], nextCursor: null });
  });

  it('health and readiness answer', async () => {
    expect((await api(orchestrator.url, 'GET', '/healthz')).status).toBe(200);
    const ready = await api<{ ok: boolean }>(orchestrator.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.ok).toBe(true);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, startOrchestratorProcess, type OrchestratorProcess } from '@fanout/test-utils';

const TOKEN = 'a-test-token-of-enough-length';
let orchestrator: OrchestratorProcess;
beforeAll(async () => {
  orchestrator = await startOrchestratorProcess({ env: { FANOUT_API_TOKEN: TOKEN } });
});
afterAll(async () => {
  await orchestrator?.close();
});

it('with FANOUT_API_TOKEN set, /api needs the bearer token; health checks do not', async () => {
  const without = await api<{ error: { code: string } }>(orchestrator.url, 'GET', '/api/runs');
  expect(without.status).toBe(401);
  expect(without.json.error.code).toBe('unauthorized');
  const wrong = await api(orchestrator.url, 'GET', '/api/runs', undefined, { authorization: 'Bearer nope' });
  expect(wrong.status).toBe(401);
  const right = await api(orchestrator.url, 'GET', '/api/runs', undefined, {
    authorization: `Bearer ${TOKEN}`,
  });
  expect(right.status).toBe(200);
  expect((await api(orchestrator.url, 'GET', '/healthz')).status).toBe(200);
  expect(orchestrator.log()).not.toContain(TOKEN);
});

it('refuses to start on a non-loopback address without a token, naming the setting', async () => {
  await expect(startOrchestratorProcess({ env: { FANOUT_HOST: '0.0.0.0' } })).rejects.toThrow(
    /FANOUT_HOST: binding to 0.0.0.0 .* needs FANOUT_API_TOKEN/,
  );
});

import { describe, expect, it, vi } from 'vitest';
import { fakeFetch, json, makeRun } from '../testing/run-fixtures';
import { createApiClient } from './client';
import { DEFAULT_SERVER_CONFIG, parseServerConfig } from './server-config';

describe('createApiClient', () => {
  it('posts a new run as JSON and returns the run', async () => {
    const run = makeRun(3);
    const { fetch, requests } = fakeFetch({ 'POST /api/runs': () => json(run, 201) });
    const api = createApiClient({ fetch });
    await expect(api.createRun({ prompt: 'p', agents: 3 })).resolves.toEqual(run);
    expect(await requests[0]!.json()).toEqual({ prompt: 'p', agents: 3 });
    expect(requests[0]!.headers.get('content-type')).toBe('application/json');
  });

  it('passes paging parameters and the bearer token', async () => {
    const { fetch, requests } = fakeFetch({ 'GET /api/runs': () => json({ runs: [], nextCursor: null }) });
    const api = createApiClient({ fetch, token: 'secret' });
    await api.listRuns({ limit: 50, cursor: 'abc' });
    const url = new URL(requests[0]!.url);
    expect(url.searchParams.get('limit')).toBe('50');
    expect(url.searchParams.get('cursor')).toBe('abc');
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer secret');
  });

  it('throws the API error with its field', async () => {
    const { fetch } = fakeFetch({
      'POST /api/runs': () =>
        json(
          {
            error: {
              code: 'invalid_request',
              message: 'agents: must be an integer from 1 to 16',
              details: { field: 'agents', reason: 'must be an integer from 1 to 16' },
            },
          },
          400,
        ),
    });
    await expect(createApiClient({ fetch }).createRun({ prompt: 'p', agents: 0 })).rejects.toMatchObject({
      status: 400,
      field: 'agents',
    });
  });

  it('tells when the server wants a token', async () => {
    const onUnauthorized = vi.fn();
    const { fetch } = fakeFetch({
      'GET /api/runs': () => json({ error: { code: 'unauthorized', message: 'needs a token' } }, 401),
    });
    await expect(createApiClient({ fetch, onUnauthorized }).listRuns()).rejects.toMatchObject({
      status: 401,
    });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('reports a server it cannot reach as a network error', async () => {
    const api = createApiClient({
      fetch: (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch,
    });
    await expect(api.getRun('x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('falls back to the default limits when the server has no config route', async () => {
    const { fetch } = fakeFetch({});
    await expect(createApiClient({ fetch }).getConfig()).resolves.toEqual(DEFAULT_SERVER_CONFIG);
    const withConfig = fakeFetch({
      'GET /api/config': () => json({ maxAgents: 8, defaultModel: 'claude-x', executor: 'local' }),
    });
    await expect(createApiClient({ fetch: withConfig.fetch }).getConfig()).resolves.toEqual({
      maxAgents: 8,
      defaultModel: 'claude-x',
      executor: 'local',
      storage: null,
    });
  });
});

describe('parseServerConfig', () => {
  it('keeps good fields and replaces bad ones with defaults', () => {
    expect(parseServerConfig({ maxAgents: 0, defaultModel: '', executor: 3 })).toEqual(DEFAULT_SERVER_CONFIG);
    expect(parseServerConfig(null)).toEqual(DEFAULT_SERVER_CONFIG);
    expect(parseServerConfig({ maxAgents: 4 }).maxAgents).toBe(4);
    expect(parseServerConfig({ storage: '/srv/runs' }).storage).toBe('/srv/runs');
  });
});

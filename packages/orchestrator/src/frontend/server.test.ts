import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrontendApp, loadFrontendConfig } from './server.js';

function listen(app: Hono): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

describe('frontend server', () => {
  let webRoot: string;
  let upstream: { server: ServerType; url: string };
  let frontend: { server: ServerType; url: string };
  /** Lets the test decide when the upstream sends its second event. */
  let releaseSecond: () => void = () => undefined;
  const seen: { path: string; auth: string | undefined; host: string | undefined }[] = [];

  beforeAll(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'fanout-web-'));
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>fanout</title>');
    await writeFile(join(webRoot, 'assets', 'app.js'), 'console.log(1)');

    const api = new Hono();
    api.use('*', async (c, next) => {
      seen.push({
        path: c.req.path + new URL(c.req.url).search,
        auth: c.req.header('authorization'),
        host: c.req.header('x-forwarded-host'),
      });
      await next();
    });
    api.get('/api/runs', (c) => c.json({ runs: [], nextCursor: null }));
    api.post('/api/runs', async (c) => c.json({ echoed: await c.req.json() }, 201));
    api.get('/api/runs/:id/events', (c) =>
      streamSSE(c, async (stream) => {
        await stream.writeSSE({ event: 'run', id: '1', data: '{"n":1}' });
        await new Promise<void>((resolve) => (releaseSecond = resolve));
        await stream.writeSSE({ event: 'run', id: '2', data: '{"n":2}' });
      }),
    );
    upstream = await listen(api);
    frontend = await listen(
      createFrontendApp({ apiUrl: upstream.url, webRoot, apiToken: 'token-for-the-orchestrator' }),
    );
  });

  afterAll(async () => {
    await close(frontend.server);
    await close(upstream.server);
    await rm(webRoot, { recursive: true, force: true });
  });

  it('proxies /api with its query, and adds the token when the request has none', async () => {
    const res = await fetch(`${frontend.url}/api/runs?limit=5`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ runs: [], nextCursor: null });
    expect(seen.at(-1)).toMatchObject({
      path: '/api/runs?limit=5',
      auth: 'Bearer token-for-the-orchestrator',
    });
    expect(seen.at(-1)?.host).toMatch(/^127\.0\.0\.1:/);

    await fetch(`${frontend.url}/api/runs`, { headers: { authorization: 'Bearer mine' } });
    expect(seen.at(-1)?.auth).toBe('Bearer mine');
  });

  it('forwards request bodies and statuses', async () => {
    const res = await fetch(`${frontend.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hi', agents: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ echoed: { prompt: 'hi', agents: 2 } });
  });

  it('streams Server-Sent Events as they happen, without buffering', async () => {
    const res = await fetch(`${frontend.url}/api/runs/x/events`);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('{"n":1}')) text += decoder.decode((await reader.read()).value);
    // The first event arrived while the upstream still holds back the second one.
    expect(text).not.toContain('{"n":2}');
    releaseSecond();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).toContain('id: 2');
  });

  it('serves the UI, its assets, and index.html for the app routes', async () => {
    const index = await fetch(`${frontend.url}/`);
    expect(await index.text()).toContain('<title>fanout</title>');
    const asset = await fetch(`${frontend.url}/assets/app.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const route = await fetch(`${frontend.url}/runs/01kaz3m9q8c2v7x4t6r5n0p1hd`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>fanout</title>');
    expect((await fetch(`${frontend.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${frontend.url}/readyz`)).status).toBe(200);
  });

  it('answers 502 in JSON when the orchestrator is down', async () => {
    const app = createFrontendApp({ apiUrl: 'http://127.0.0.1:1', webRoot, apiToken: null });
    const res = await app.request('/api/runs');
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('reads its settings from the environment', () => {
    expect(loadFrontendConfig({ FANOUT_API_URL: 'http://orch.backend/' }, '/srv/public')).toEqual({
      apiUrl: 'http://orch.backend',
      webRoot: '/srv/public',
      apiToken: null,
      host: '0.0.0.0',
      port: 8080,
    });
    expect(() => loadFrontendConfig({}, '/x')).toThrow(/^FANOUT_API_URL/);
    expect(() => loadFrontendConfig({ FANOUT_API_URL: 'http://a', FANOUT_PORT: 'x' }, '/x')).toThrow(
      /^FANOUT_PORT/,
    );
  });
});

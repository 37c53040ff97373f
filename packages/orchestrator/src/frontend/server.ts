import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { proxy } from 'hono/proxy';

/**
 * The web image's server (Kubernetes, namespace `frontend`): serves the built web UI and forwards
 * everything under `/api` to the orchestrator Service, streaming both ways, so Server-Sent Events
 * pass through as they happen. Depends on hono alone, so the web image carries nothing else.
 */
export interface FrontendOptions {
  /** Base URL of the orchestrator, e.g. `http://fanout-orchestrator.backend.svc.cluster.local`. */
  apiUrl: string;
  /** Folder of the built web UI (`index.html`, `assets/`). */
  webRoot: string;
  /**
   * Sent as `Authorization: Bearer …` on requests that carry none: the orchestrator needs a token
   * when it listens beyond loopback, and this server is the UI's way in.
   */
  apiToken: string | null;
}

export interface FrontendConfig extends FrontendOptions {
  host: string;
  port: number;
}

/** Reads the frontend server's settings once; throws with one line naming a bad one. */
export function loadFrontendConfig(
  env: Record<string, string | undefined>,
  defaultWebRoot: string,
): FrontendConfig {
  const apiUrl = env.FANOUT_API_URL;
  if (!apiUrl || !/^https?:\/\/[^/]+/.test(apiUrl)) {
    throw new Error('FANOUT_API_URL: must be the http(s) URL of the orchestrator');
  }
  const portText = env.FANOUT_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new Error('FANOUT_PORT: must be an integer from 0 to 65535');
  return {
    apiUrl: apiUrl.replace(/\/+$/, ''),
    webRoot: env.FANOUT_WEB_ROOT || defaultWebRoot,
    apiToken: env.FANOUT_API_TOKEN || null,
    host: env.FANOUT_HOST || '0.0.0.0',
    port,
  };
}

export function createFrontendApp(options: FrontendOptions): Hono {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', (c) =>
    existsSync(join(options.webRoot, 'index.html'))
      ? c.json({ ok: true })
      : c.json({ ok: false, reason: 'the web UI is not built' }, 503),
  );

  app.all('/api/*', async (c) => {
    const incoming = new URL(c.req.url);
    const target = `${options.apiUrl}${incoming.pathname}${incoming.search}`;
    const authorization =
      c.req.header('authorization') ?? (options.apiToken ? `Bearer ${options.apiToken}` : undefined);
    try {
      const response = await proxy(target, {
        raw: c.req.raw,
        headers: {
          ...c.req.header(),
          host: undefined,
          authorization,
          'x-forwarded-host': c.req.header('host'),
          'x-forwarded-proto': incoming.protocol.replace(':', ''),
        },
      });
      // Tell any proxy in front of this one not to buffer the event stream.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        response.headers.set('x-accel-buffering', 'no');
        response.headers.set('cache-control', 'no-cache');
      }
      return response;
    } catch {
      return c.json(
        { error: { code: 'unavailable', message: 'the orchestrator cannot be reached; try again shortly' } },
        502,
      );
    }
  });

  app.use(
    '/assets/*',
    serveStatic({
      root: options.webRoot,
      onFound: (_path, c) => {
        c.header('cache-control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use('*', serveStatic({ root: options.webRoot }));
  // Any other path is one of the app's own routes: answer with index.html so a reload works.
  app.get('*', serveStatic({ path: join(options.webRoot, 'index.html') }));
  app.notFound((c) => c.text('not found', 404));
  return app;
}

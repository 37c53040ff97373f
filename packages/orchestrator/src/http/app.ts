import { createReadStream } from 'node:fs';
import { access, constants, open, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import {
  AGENT_INDEX_PATTERN,
  FanoutError,
  MAX_BODY_BYTES,
  invalidField,
  isRunId,
  mergeRequestSchema,
  runRequestSchema,
  scoreRun,
  type RunFile,
} from '@fanout/shared';
import type { Config } from '../config.js';
import { openRunEvents } from '../events/run-events.js';
import type { Executor } from '../executors/executor.js';
import { diffBetween } from '../git/diff.js';
import type { Logger } from '../logger.js';
import { cancelRun } from '../runs/cancel-run.js';
import { createRun } from '../runs/create-run.js';
import { mergeAgent } from '../runs/merge-agent.js';
import type { RunStore } from '../runs/run-store.js';
import { parseJsonBody } from './parse-body.js';
import { serveWeb } from './serve-web.js';

export interface AppDeps {
  config: Config;
  store: RunStore;
  executor: Executor;
  logger: Logger;
  now?: () => Date;
}

const KEEPALIVE_MS = 15_000;

function agentIndex(run: RunFile, text: string): number {
  if (!AGENT_INDEX_PATTERN.test(text) || Number(text) >= run.agents) {
    throw new FanoutError(
      'agent_not_found',
      `run ${run.id} has no agent ${JSON.stringify(text.slice(0, 20))}`,
    );
  }
  return Number(text);
}

function queryInt(c: Context, name: string, min: number, max: number, fallback: number): number {
  const text = c.req.query(name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw invalidField(name, `must be an integer from ${min} to ${max}`);
  }
  return Number(text);
}

/** The HTTP API as thin routes over the run store, the executor and git. */
export function createApp(deps: AppDeps): Hono {
  const { config, store, executor, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const requestSchema = runRequestSchema(config.maxAgents);
  const app = new Hono();

  app.onError((error, c) => {
    if (FanoutError.isInstance(error)) {
      // The rest of an over-large body is never read: the connection cannot be reused.
      if (error.code === 'payload_too_large') c.header('connection', 'close');
      return c.json(error.toBody(), error.status as 400);
    }
    logger.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(new FanoutError('internal', 'internal error; see the server log').toBody(), 500);
  });
  app.notFound((c) =>
    c.json(new FanoutError('not_found', `no route ${c.req.method} ${c.req.path}`).toBody(), 404),
  );

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const probe = join(config.storage, `.readyz-${process.pid}`);
    const storageOk = await writeFile(probe, 'ok')
      .then(() => unlink(probe))
      .then(
        () => true,
        () => false,
      );
    const executorOk = await executor.ready().catch(() => false);
    const ok = storageOk && executorOk;
    return c.json({ ok, storage: storageOk, executor: executorOk }, ok ? 200 : 503);
  });

  const api = new Hono();
  if (config.apiToken) {
    const expected = `Bearer ${config.apiToken}`;
    api.use('*', async (c, next) => {
      if (c.req.header('authorization') !== expected) {
        throw new FanoutError(
          'unauthorized',
          'missing or wrong bearer token (Authorization: Bearer <token>)',
        );
      }
      await next();
    });
  }

  api.get('/config', (c) =>
    c.json({
      maxAgents: config.maxAgents,
      defaultModel: config.model,
      executor: config.executor,
      storage: config.storage,
    }),
  );

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new FanoutError('payload_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  });

  api.post('/runs', limitBody, async (c) => {
    const request = parseJsonBody(await c.req.text(), requestSchema);
    const file = await createRun(request, {
      storage: config.storage,
      defaultModel: config.model,
      defaultTimeoutSeconds: config.defaultTimeoutSeconds,
      now,
    });
    logger.info({ run: file.id, agents: file.agents }, 'run created');
    await executor.launch(file);
    return c.json(await store.get(file.id), 201);
  });

  api.get('/runs', async (c) => {
    const limit = queryInt(c, 'limit', 1, 200, 50);
    const cursor = c.req.query('cursor') ?? null;
    if (cursor !== null && !isRunId(cursor))
      throw invalidField('cursor', 'is not a cursor from a previous page');
    return c.json(await store.list(limit, cursor));
  });

  api.get('/runs/:id', async (c) => c.json(await store.get(c.req.param('id'))));

  api.post('/runs/:id/cancel', async (c) => {
    const run = await cancelRun(c.req.param('id'), { store, executor, now });
    return c.json(run, 202);
  });

  api.post('/runs/:id/merge', limitBody, async (c) => {
    const id = c.req.param('id');
    await store.runFile(id);
    const request = parseJsonBody(await c.req.text(), mergeRequestSchema);
    const result = await mergeAgent(id, request, { store });
    logger.info(
      { run: id, agent: request.agent, into: result.into, changed: result.changed },
      'agent merged',
    );
    return c.json(result);
  });

  api.get('/runs/:id/scorecard', async (c) => c.json(scoreRun(await store.get(c.req.param('id')))));

  api.get('/runs/:id/agents/:n/diff', async (c) => {
    const run = await store.runFile(c.req.param('id'));
    const index = agentIndex(run, c.req.param('n'));
    const text = await diffBetween(store.paths(run.id).repo, run.baseCommit, `agent-${index}`);
    return c.text(text, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });

  api.get('/runs/:id/compare', async (c) => {
    const run = await store.runFile(c.req.param('id'));
    const a = agentIndex(run, c.req.query('a') ?? '');
    const b = agentIndex(run, c.req.query('b') ?? '');
    const text = await diffBetween(store.paths(run.id).repo, `agent-${a}`, `agent-${b}`);
    return c.text(text, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });

  api.get('/runs/:id/agents/:n/transcript', async (c) => {
    const run = await store.runFile(c.req.param('id'));
    const index = agentIndex(run, c.req.param('n'));
    const path = store.paths(run.id).agent(index).transcript;
    const headers = { 'content-type': 'application/x-ndjson; charset=utf-8' };
    const exists = await access(path, constants.R_OK).then(
      () => true,
      () => false,
    );
    if (!exists) return c.body('', 200, headers);
    // Only whole lines: a line the worker is still writing is left out.
    const size = (await stat(path)).size;
    const handle = await open(path, 'r');
    const buffer = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    try {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, size - buffer.length);
      const tail = buffer.subarray(0, bytesRead);
      end = size - (tail.length - (tail.lastIndexOf(10) + 1));
    } finally {
      await handle.close();
    }
    if (end <= 0) return c.body('', 200, headers);
    const stream = Readable.toWeb(createReadStream(path, { start: 0, end: end - 1 })) as ReadableStream;
    return c.body(stream, 200, headers);
  });

  api.get('/runs/:id/events', async (c) => {
    const id = c.req.param('id');
    const after = c.req.header('last-event-id') ?? c.req.query('after') ?? null;
    const abort = new AbortController();
    const start = await openRunEvents(store, id, after, abort.signal);
    if (start.kind === 'done') return c.body(null, 204);
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => abort.abort());
      const keepalive = setInterval(() => {
        void stream.write(': keepalive\n\n');
      }, KEEPALIVE_MS);
      try {
        for await (const event of start.events) {
          await stream.writeSSE({ event: event.event, id: event.id, data: JSON.stringify(event.data) });
          if (abort.signal.aborted) break;
        }
      } finally {
        clearInterval(keepalive);
        abort.abort();
      }
    });
  });

  api.all('*', () => {
    throw new FanoutError('not_found', 'no such API route');
  });

  app.route('/api', api);
  if (config.webRoot) serveWeb(app, config.webRoot);
  return app;
}

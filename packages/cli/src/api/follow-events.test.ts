import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunStreamEvent } from '@fanout/shared';
import { CliError } from '../cli-error.js';
import { agentFixture, runFixture } from '../test-fixtures.js';
import { ApiClient } from './client.js';
import { followRunEvents } from './follow-events.js';

type Handler = (req: IncomingMessage, res: ServerResponse, connection: number) => void;

let server: Server | undefined;
afterEach(async () => {
  const current = server;
  server = undefined;
  if (!current) return;
  current.closeAllConnections();
  await new Promise((resolve) => current.close(resolve));
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function serve(handler: Handler): Promise<{ client: ApiClient; seen: (string | undefined)[] }> {
  const seen: (string | undefined)[] = [];
  server = createServer((req, res) => {
    seen.push(req.headers['last-event-id'] as string | undefined);
    handler(req, res, seen.length);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { client: new ApiClient({ server: `http://127.0.0.1:${port}`, token: 'secret' }), seen };
}

const sse = (event: string, id: string, data: unknown) =>
  `event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
const streamHeaders = { 'content-type': 'text/event-stream' };

async function collect(events: AsyncIterable<RunStreamEvent>): Promise<string[]> {
  const out: string[] = [];
  for await (const event of events) out.push(`${event.event}:${event.id}`);
  return out;
}

describe('followRunEvents', () => {
  it('reconnects with Last-Event-ID when the stream drops, and stops after the final run event', async () => {
    const running = runFixture({ status: 'running' });
    const { client, seen } = await serve((req, res, connection) => {
      expect(req.headers.authorization).toBe('Bearer secret');
      res.writeHead(200, streamHeaders);
      if (connection === 1) {
        res.write(sse('run', 'c1', running));
        res.write(sse('message', 'c2', { agent: 0, seq: 1, message: { type: 'system' } }));
        res.write(': keepalive\n\n');
        res.write(sse('agent', 'c3', agentFixture({ status: 'running' })));
        setTimeout(() => res.destroy(), 20);
      } else {
        res.write(sse('agent', 'c4', agentFixture({ status: 'succeeded' })));
        res.write(sse('run', 'c5', { ...running, status: 'succeeded' }));
        // The server closes the stream after the final run; the client must not wait for that.
      }
    });
    const reconnects: string[] = [];
    const events = followRunEvents(client, running.id, {
      signal: new AbortController().signal,
      retryDelaysMs: [10],
      onReconnect: (reason) => reconnects.push(reason),
    });
    expect(await collect(events)).toEqual(['run:c1', 'message:c2', 'agent:c3', 'agent:c4', 'run:c5']);
    expect(seen).toEqual([undefined, 'c3']);
    expect(reconnects).toHaveLength(1);
  });

  it('reconnects when a connection goes silent', async () => {
    const { client, seen } = await serve((_req, res, connection) => {
      res.writeHead(200, streamHeaders);
      if (connection === 1) res.write(sse('run', 'c1', runFixture({ status: 'running' })));
      else res.end(sse('run', 'c2', runFixture({ status: 'failed' })));
    });
    const events = followRunEvents(client, 'r', {
      signal: new AbortController().signal,
      idleTimeoutMs: 100,
      retryDelaysMs: [10],
    });
    expect(await collect(events)).toEqual(['run:c1', 'run:c2']);
    expect(seen).toEqual([undefined, 'c1']);
  });

  it('ends at once on 204 (nothing after the given cursor)', async () => {
    const { client, seen } = await serve((_req, res) => {
      res.writeHead(204).end();
    });
    const events = followRunEvents(client, 'r', {
      lastEventId: 'v1.3-4-2.f',
      signal: new AbortController().signal,
    });
    expect(await collect(events)).toEqual([]);
    expect(seen).toEqual(['v1.3-4-2.f']);
  });

  it("throws the API's error for an unknown run, without retrying", async () => {
    const { client, seen } = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'run_not_found', message: 'no run with id "nope"' } }));
    });
    const events = followRunEvents(client, 'nope', { signal: new AbortController().signal });
    await expect(collect(events)).rejects.toThrow(new CliError('no run with id "nope"'));
    expect(seen).toHaveLength(1);
  });

  it('gives up when the server stays unreachable', async () => {
    const client = new ApiClient({ server: `http://127.0.0.1:${await closedPort()}`, token: null });
    const events = followRunEvents(client, 'r', {
      signal: new AbortController().signal,
      retryDelaysMs: [10],
      giveUpAfterMs: 50,
    });
    await expect(collect(events)).rejects.toThrow(
      /^lost the event stream of run r: cannot reach the fanout server at .*: connection refused/,
    );
  });

  it('ends quietly when the caller stops following', async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(200, streamHeaders);
      res.write(sse('run', 'c1', runFixture({ status: 'running' })));
    });
    const abort = new AbortController();
    const received: string[] = [];
    for await (const event of followRunEvents(client, 'r', { signal: abort.signal })) {
      received.push(event.id);
      abort.abort();
    }
    expect(received).toEqual(['c1']);
  });
});

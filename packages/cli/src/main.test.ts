import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '@fanout/shared';
import type { CliIo } from './io.js';
import { main } from './main.js';
import { agentFixture, runFixture } from './test-fixtures.js';

interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
  interrupt: () => void;
}

function captureIo(env: Record<string, string> = {}): Captured {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  return {
    io: {
      stdout: { write: (text: string) => (out += text), isTTY: false },
      stderr: { write: (text: string) => (err += text), isTTY: false },
      env,
      cwd: '/work',
      readStdin: () => Promise.resolve('prompt from stdin'),
      onInterrupt(handler) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
    },
    stdout: () => out,
    stderr: () => err,
    interrupt: () => handlers.forEach((h) => h()),
  };
}

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server | undefined;
afterEach(async () => {
  const current = server;
  server = undefined;
  if (!current) return;
  current.closeAllConnections();
  await new Promise((resolve) => current.close(resolve));
});

/** A stand-in for the orchestrator: `routes` keyed by "METHOD /path". */
async function fakeServer(routes: Record<string, Route>): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const route = routes[`${req.method} ${req.url}`];
      if (route) route(req, res, body);
      else json(res, 404, { error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
const sse = (event: string, id: string, data: unknown) =>
  `event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;

const RUN_ID = runFixture().id;
const finishedAgent = (index: number, status: 'succeeded' | 'failed') =>
  agentFixture({
    index,
    status,
    startedAt: '2025-01-01T12:00:00Z',
    finishedAt: '2025-01-01T12:00:10Z',
    numTurns: 3,
    costUsd: 0.01,
    diffStat: status === 'succeeded' ? { files: 1, insertions: 1, deletions: 0 } : null,
    ...(status === 'failed' ? { error: { code: 'model_error' as const, message: 'overloaded' } } : {}),
  });

function runRoutes(final: Run, requests: unknown[]): Record<string, Route> {
  return {
    'POST /api/runs': (_req, res, body) => {
      requests.push(JSON.parse(body));
      json(res, 201, runFixture());
    },
    [`GET /api/runs/${RUN_ID}/events`]: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse('run', 'c1', runFixture()));
      res.write(sse('agent', 'c2', agentFixture({ index: 0, status: 'running', activity: 'Write a.txt' })));
      for (const agent of final.agents) res.write(sse('agent', `c3-${agent.index}`, agent));
      res.end(sse('run', 'c4', final));
    },
  };
}

describe('fanout command line', () => {
  it('refuses bad arguments with one line and exit code 2, without calling a server', async () => {
    const cases: [string[], RegExp][] = [
      [['run', 'x', '-n', 'abc'], /^fanout: agents: must be an integer \(got "abc"\)\n$/],
      [['run', 'x'], /^fanout: required option '-n, --agents <count>' not specified/],
      [['frob'], /^fanout: unknown command 'frob'/],
      [['ls', '--limit', '0'], /^fanout: limit: must be an integer from 1 to 200/],
      [['diff', RUN_ID, 'x'], /^fanout: agent: must be an agent index/],
      [['show', RUN_ID, '--server', 'localhost'], /^fanout: server: must be an http/],
    ];
    for (const [argv, expected] of cases) {
      const captured = captureIo();
      expect(await main(argv, captured.io), argv.join(' ')).toBe(2);
      expect(captured.stderr()).toMatch(expected);
      expect(captured.stderr().trim().split('\n')).toHaveLength(1);
      expect(captured.stdout()).toBe('');
    }
  });

  it('prints help and version with exit code 0', async () => {
    const help = captureIo();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.stdout()).toContain('Usage: fanout');
    const version = captureIo();
    expect(await main(['--version'], version.io)).toBe(0);
    expect(version.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('maps the API error body: invalid requests exit 2, unknown runs exit 1', async () => {
    const url = await fakeServer({
      'POST /api/runs': (_req, res) =>
        json(res, 400, {
          error: { code: 'invalid_request', message: 'agents: must be an integer from 1 to 16' },
        }),
      'GET /api/runs/nope': (_req, res) =>
        json(res, 404, { error: { code: 'run_not_found', message: 'no run with id "nope"' } }),
    });
    const bad = captureIo();
    expect(await main(['run', 'x', '-n', '0', '--server', url], bad.io)).toBe(2);
    expect(bad.stderr()).toBe('fanout: agents: must be an integer from 1 to 16\n');
    const unknown = captureIo({ FANOUT_SERVER: url });
    expect(await main(['show', 'nope'], unknown.io)).toBe(1);
    expect(unknown.stderr()).toBe('fanout: no run with id "nope"\n');
  });

  it('sends the token from the environment', async () => {
    let auth: string | undefined;
    const url = await fakeServer({
      'GET /api/runs?limit=20': (req, res) => {
        auth = req.headers.authorization;
        json(res, 200, { runs: [], nextCursor: null });
      },
    });
    const captured = captureIo({ FANOUT_SERVER: url, FANOUT_API_TOKEN: 't0k' });
    expect(await main(['ls'], captured.io)).toBe(0);
    expect(auth).toBe('Bearer t0k');
    expect(captured.stderr()).toContain('no runs yet');
  });

  it('runs: creates the run, prints status changes, the table and the git commands; exit 0 on success', async () => {
    const requests: unknown[] = [];
    const final = runFixture({
      status: 'succeeded',
      finishedAt: '2025-01-01T12:00:10Z',
      costUsd: 0.02,
      agents: [finishedAgent(0, 'succeeded'), finishedAgent(1, 'succeeded')],
    });
    const url = await fakeServer(runRoutes(final, requests));
    const captured = captureIo();
    const code = await main(
      ['run', '-', '-n', '2', '--model', 'm', '--max-turns', '5', '--server', url],
      captured.io,
    );
    expect(captured.stderr()).toBe('');
    expect(code).toBe(0);
    expect(requests).toEqual([{ prompt: 'prompt from stdin', agents: 2, model: 'm', maxTurns: 5 }]);
    const out = captured.stdout();
    expect(out).toContain(`run ${RUN_ID}: 2 agents on claude-sonnet-4-5`);
    expect(out).toMatch(/^agent-0 +running .*Write a\.txt$/m);
    expect(out).toMatch(/^agent-1 +succeeded /m);
    expect(out).toMatch(/^BRANCH +STATUS +FILES/m);
    expect(out).toContain(`run ${RUN_ID} succeeded: 2 of 2 agents succeeded`);
    expect(out).toContain(`cd run-${RUN_ID}/repo && git branch && git diff main..agent-0`);
    expect(out).not.toContain('\u001b[');
  });

  it("runs with --check: sends the command and shows each agent's check in the final table", async () => {
    const requests: unknown[] = [];
    const check = (status: 'passed' | 'failed', exitCode: number) => ({
      status,
      exitCode,
      durationMs: 40,
      output: '',
    });
    const final = runFixture({
      status: 'succeeded',
      check: 'npm test',
      finishedAt: '2025-01-01T12:00:10Z',
      agents: [
        { ...finishedAgent(0, 'succeeded'), check: check('passed', 0) },
        { ...finishedAgent(1, 'succeeded'), check: check('failed', 1) },
      ],
    });
    const url = await fakeServer(runRoutes(final, requests));
    const captured = captureIo();
    expect(await main(['run', 'x', '-n', '2', '--check', 'npm test', '--server', url], captured.io)).toBe(0);
    expect(requests).toEqual([{ prompt: 'x', agents: 2, check: 'npm test' }]);
    const out = captured.stdout();
    expect(out).toMatch(/^BRANCH +STATUS +FILES +\+\/- +TURNS +COST +TIME +CHECK +ERROR$/m);
    expect(out).toMatch(/^agent-0 +succeeded .* passed$/m);
    expect(out).toMatch(/^agent-1 +succeeded .* failed$/m);
  });

  it('runs with --setup and a repeated --copy: sends them as setup and copyFiles', async () => {
    const requests: unknown[] = [];
    const final = runFixture({
      status: 'succeeded',
      finishedAt: '2025-01-01T12:00:10Z',
      agents: [finishedAgent(0, 'succeeded')],
    });
    const url = await fakeServer(runRoutes(final, requests));
    const captured = captureIo();
    const args = ['run', 'x', '-n', '1', '--base-repo', '/srv/base', '--setup', 'npm ci', '--server', url];
    expect(await main([...args, '--copy', '.env', '--copy', 'fixtures'], captured.io)).toBe(0);
    expect(requests).toEqual([
      { prompt: 'x', agents: 1, baseRepo: '/srv/base', setup: 'npm ci', copyFiles: ['.env', 'fixtures'] },
    ]);
  });

  it('runs with --json: only the final run on stdout; exit 1 when an agent failed', async () => {
    const final = runFixture({
      status: 'partial',
      finishedAt: '2025-01-01T12:00:10Z',
      agents: [finishedAgent(0, 'succeeded'), finishedAgent(1, 'failed')],
    });
    const url = await fakeServer(runRoutes(final, []));
    const captured = captureIo();
    expect(await main(['--json', 'run', 'x', '-n', '2', '--server', url], captured.io)).toBe(1);
    expect(JSON.parse(captured.stdout())).toEqual(final);
  });

  it('stops following on Ctrl-C without cancelling the run: exit 130 and how to resume', async () => {
    let cancelled = false;
    const url = await fakeServer({
      'POST /api/runs': (_req, res) => json(res, 201, runFixture()),
      [`POST /api/runs/${RUN_ID}/cancel`]: (_req, res) => {
        cancelled = true;
        json(res, 202, runFixture());
      },
      [`GET /api/runs/${RUN_ID}/events`]: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse('run', 'c1', runFixture({ status: 'running' })));
      },
    });
    const captured = captureIo();
    const pending = main(['run', 'x', '-n', '2', '--server', url], captured.io);
    await new Promise((resolve) => setTimeout(resolve, 200));
    captured.interrupt();
    expect(await pending).toBe(130);
    expect(cancelled).toBe(false);
    expect(captured.stderr()).toContain(`fanout show ${RUN_ID}`);
    expect(captured.stderr()).toContain(`fanout logs ${RUN_ID} 0 --follow`);
  });
});

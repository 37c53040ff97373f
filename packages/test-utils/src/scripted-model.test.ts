import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { query, type Options, type SDKMessage, type SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claudeEnvFor,
  scriptByAgent,
  startScriptedModel,
  TEST_MODEL,
  type ScriptedModel,
  type Step,
} from './index.js';

const CLAUDE_BINARY = join(
  dirname(createRequire(import.meta.url).resolve('@anthropic-ai/claude-agent-sdk-linux-x64/package.json')),
  'claude',
);

/** A request body shaped like Claude Code's main turn, `turns` assistant messages in. */
function mainTurn(cwd: string, turns: number, stream: boolean): Record<string, unknown> {
  const messages: unknown[] = [
    {
      role: 'user',
      content: [
        { type: 'text', text: `<system-reminder>\n# Environment\n - Primary working directory: ${cwd}\n` },
      ],
    },
  ];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `turn ${i}` }] });
    messages.push({ role: 'user', content: [{ type: 'text', text: 'go on' }] });
  }
  return {
    model: TEST_MODEL,
    max_tokens: 1000,
    stream,
    messages,
    tools: [{ name: 'Write', input_schema: {} }],
  };
}

function post(model: ScriptedModel, body: unknown, path = '/v1/messages?beta=true', signal?: AbortSignal) {
  return fetch(model.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** Parses an SSE body into its events, checking each `event:` line matches the data's type. */
function parseSse(text: string): { type: string; [key: string]: unknown }[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [eventLine, dataLine] = chunk.split('\n');
      const data = JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as { type: string };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
}

describe('scripted model over HTTP', () => {
  it('streams a tool turn in the API event order, with the input in several partial_json chunks', async () => {
    const input = { file_path: '/tmp/x/hello.txt', content: 'hello world, this is a long enough content\n' };
    await using model = await startScriptedModel({
      script: () => ({ kind: 'tool', text: 'writing', calls: [{ name: 'Write', input }] }),
      usage: { inputTokens: 7, outputTokens: 3, cacheReadInputTokens: 2 },
    });
    const res = await post(model, mainTurn('/runs/r/agent-1', 0, true));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());

    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: {
        model: TEST_MODEL,
        role: 'assistant',
        usage: { input_tokens: 7, cache_read_input_tokens: 2 },
      },
    });
    expect(events[7]).toMatchObject({
      index: 1,
      content_block: { type: 'tool_use', name: 'Write', input: {} },
    });
    const chunks = events.slice(8, 11).map((e) => (e['delta'] as { partial_json: string }).partial_json);
    expect(JSON.parse(chunks.join(''))).toEqual(input);
    expect(events[12]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 3 } });
  });

  it('answers the JSON form when stream is false', async () => {
    await using model = await startScriptedModel({ script: () => ({ kind: 'text', text: 'the answer' }) });
    const res = await post(model, mainTurn('/w/agent-0', 0, false));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'the answer' }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: 100,
        output_tokens: 20,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('counts steps per conversation; side requests, count_tokens and other paths use none', async () => {
    const seen: string[] = [];
    await using model = await startScriptedModel({
      script: (ctx) => {
        seen.push(`${ctx.agent}:${ctx.step}:${ctx.attempt}`);
        return { kind: 'text', text: 'ok' };
      },
    });
    await (await post(model, mainTurn('/w/run-1/agent-3', 0, true))).text();
    await (
      await post(model, { model: TEST_MODEL, max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] })
    ).text();
    await (await post(model, mainTurn('/w/run-1/agent-3', 2, true))).text();
    await (await post(model, mainTurn('/w/run-1/agent-3', 2, true))).text();
    await (await post(model, mainTurn('/elsewhere', 0, false))).text();
    const counted = await post(model, mainTurn('/w/agent-1', 0, false), '/v1/messages/count_tokens');
    expect(await counted.json()).toMatchObject({ input_tokens: expect.any(Number) as number });
    const unknown = await fetch(`${model.url}/v1/unknown`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

    expect(seen).toEqual(['3:0:0', '3:2:0', '3:2:1', 'null:0:0']);
    expect(model.requests.map((r) => [r.kind, r.path, r.agent, r.step, r.stream])).toEqual([
      ['main', '/v1/messages', 3, 0, true],
      ['side', '/v1/messages', null, null, false],
      ['main', '/v1/messages', 3, 2, true],
      ['main', '/v1/messages', 3, 2, true],
      ['main', '/v1/messages', null, 0, false],
      ['count_tokens', '/v1/messages/count_tokens', 1, null, false],
      ['other', '/v1/unknown', null, null, false],
    ]);
    expect(model.requests[0]?.cwd).toBe('/w/run-1/agent-3');
  });

  it('answers an error step in the API error shape', async () => {
    await using model = await startScriptedModel({
      script: () => ({ kind: 'error', status: 529, message: 'Overloaded' }),
    });
    const res = await post(model, mainTurn('/w/agent-0', 0, true));
    expect(res.status).toBe(529);
    expect(await res.json()).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('stops a hang as soon as the client goes away', async () => {
    await using model = await startScriptedModel({ script: () => ({ kind: 'hang', ms: 60_000 }) });
    const abort = new AbortController();
    const res = await post(model, mainTurn('/w/agent-0', 0, true), undefined, abort.signal);
    expect(res.status).toBe(200); // the stream starts at once, the rest waits
    abort.abort();
    await expect.poll(() => model.requests[0]?.outcome).toBe('client_gone');
  });

  it('scriptByAgent plays each agent its own steps, then "done"', () => {
    const write: Step = { kind: 'tool', calls: [{ name: 'Write', input: {} }] };
    const script = scriptByAgent({ 1: [write] }, [{ kind: 'text', text: 'fallback' }]);
    const ctx = { cwd: null, attempt: 0, request: null };
    expect(script({ ...ctx, agent: 1, step: 0 })).toBe(write);
    expect(script({ ...ctx, agent: 1, step: 1 })).toEqual({ kind: 'text', text: 'done' });
    expect(script({ ...ctx, agent: 2, step: 0 })).toEqual({ kind: 'text', text: 'fallback' });
    expect(script({ ...ctx, agent: null, step: 1 })).toEqual({ kind: 'text', text: 'done' });
  });
});

describe('Claude Code against the scripted model', () => {
  let root: string;
  let cwd: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fanout-test-utils-'));
    cwd = join(root, 'agent-0');
    await mkdir(cwd);
    execFileSync('git', ['init', '-q'], { cwd });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Runs one agent to the end; the SDK throws after an error result, so keep what came before. */
  async function runAgent(model: ScriptedModel, extra: Partial<Options> = {}) {
    const messages: SDKMessage[] = [];
    let error: unknown = null;
    try {
      for await (const message of query({
        prompt: 'Do the task.',
        options: {
          cwd,
          model: TEST_MODEL,
          permissionMode: 'bypassPermissions',
          allowDangerouslySkipPermissions: true,
          settingSources: [],
          env: { ...process.env, ...claudeEnvFor(model), CLAUDE_CONFIG_DIR: join(root, 'claude-config') },
          ...extra,
        },
      })) {
        messages.push(message);
      }
    } catch (caught) {
      error = caught;
    }
    const result = messages.find((m): m is SDKResultMessage => m.type === 'result');
    return { messages, result, error };
  }

  it('runs a Write tool call, then ends with a successful result carrying usage and cost', async () => {
    await using model = await startScriptedModel({
      script: scriptByAgent({
        0: [
          {
            kind: 'tool',
            calls: [{ name: 'Write', input: { file_path: join(cwd, 'hello.txt'), content: 'hi\n' } }],
          },
          { kind: 'text', text: 'Wrote hello.txt.' },
        ],
      }),
    });
    const { result, error } = await runAgent(model);

    expect(error).toBeNull();
    expect(await readFile(join(cwd, 'hello.txt'), 'utf8')).toBe('hi\n');
    expect(result).toMatchObject({ subtype: 'success', is_error: false, result: 'Wrote hello.txt.' });
    expect(result?.usage).toMatchObject({ input_tokens: 200, output_tokens: 40 });
    expect(result?.total_cost_usd).toBeGreaterThan(0);
    const main = model.requests.filter((r) => r.kind === 'main');
    expect(main.map((r) => [r.agent, r.step, r.stream])).toEqual([
      [0, 0, true],
      [0, 1, true],
    ]);
    expect(main[0]?.cwd).toBe(cwd);
    expect(model.requests.filter((r) => r.kind !== 'main')).toEqual([]);
  });

  it('runs a Bash tool call with HOME set to the fixture folder, which close removes', async () => {
    const command = 'echo from-bash > bash.txt && echo "$HOME" > home.txt';
    const model = await startScriptedModel({
      script: scriptByAgent({ 0: [{ kind: 'tool', calls: [{ name: 'Bash', input: { command } }] }] }),
    });
    try {
      const { result } = await runAgent(model);

      expect(await readFile(join(cwd, 'bash.txt'), 'utf8')).toBe('from-bash\n');
      expect(await readFile(join(cwd, 'home.txt'), 'utf8')).toBe(`${model.home}\n`);
      expect(result).toMatchObject({ subtype: 'success', is_error: false, result: 'done' });
      expect(existsSync(model.home)).toBe(true);
    } finally {
      await model.close();
    }
    expect(existsSync(model.home)).toBe(false);
  });

  it('turns an error step into an error result carrying the message', async () => {
    await using model = await startScriptedModel({
      script: scriptByAgent({
        0: [
          {
            kind: 'error',
            status: 400,
            errorType: 'invalid_request_error',
            message: 'scripted failure: bad request',
          },
        ],
      }),
    });
    const { result, error } = await runAgent(model);

    expect(result).toMatchObject({ is_error: true, api_error_status: 400 });
    expect(result && 'result' in result ? result.result : '').toContain('scripted failure: bad request');
    expect(error).toBeInstanceOf(Error); // the iterator throws after the error result
    expect(model.requests.every((r) => r.kind === 'main' && r.step === 0)).toBe(true);
  });

  it('calls the Write tool of `claude mcp serve` as an MCP server', async () => {
    const target = join(cwd, 'via-mcp.txt');
    await using model = await startScriptedModel({
      script: scriptByAgent({
        0: [
          {
            kind: 'tool',
            calls: [{ name: 'mcp__claude__Write', input: { file_path: target, content: 'mcp\n' } }],
          },
        ],
      }),
    });
    const { messages, result } = await runAgent(model, {
      mcpServers: {
        claude: { type: 'stdio', command: CLAUDE_BINARY, args: ['mcp', 'serve'], alwaysLoad: true },
      },
    });

    const init = messages.find((m) => m.type === 'system' && m.subtype === 'init');
    expect(init && 'mcp_servers' in init ? init.mcp_servers : []).toEqual([
      expect.objectContaining({ name: 'claude', status: 'connected' }),
    ]);
    expect(init && 'tools' in init ? init.tools : []).toEqual(
      expect.arrayContaining([
        'mcp__claude__Write',
        'mcp__claude__Edit',
        'mcp__claude__Bash',
        'mcp__claude__Read',
      ]),
    );
    const offered = (model.requests[0]?.body as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(offered).toContain('mcp__claude__Write');
    expect(existsSync(target)).toBe(true);
    expect(result).toMatchObject({ subtype: 'success', is_error: false });
  });
});

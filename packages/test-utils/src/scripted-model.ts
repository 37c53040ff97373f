/**
 * A scripted, deterministic Messages API server on loopback, so tests can run the real Claude Code binary
 * (through the Agent SDK) without a model service. Test fixture only.
 *
 * What Claude Code 2.1.x (agent SDK 0.3.332) sends, as seen against this server:
 * - Main turns: `POST /v1/messages?beta=true`, always `stream: true`, with `tools` (Bash, Edit, Write, ...,
 *   and `mcp__<server>__<tool>` for MCP servers with `alwaysLoad: true`). Every turn resends the whole
 *   conversation, so the number of assistant messages in `messages` is the turn number (`step`): a retry
 *   of the same turn gets the same step (and a higher `attempt`), and several tool_use blocks in one
 *   assistant turn count once.
 * - The cwd is in the first user message (`<system-reminder># Environment ... Primary working directory:
 *   <cwd>`), not in `system`; with the `claude_code` system-prompt preset too.
 * - Without `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1` it first sends `HEAD /api/hello` (a
 *   connectivity check); with it, only the main turns. Requests without `tools` (title generation, quota
 *   checks, summaries, compaction) are side requests: they get a short text and never use up a step, and so
 *   do `POST /v1/messages/count_tokens` calls. Subagents (Agent tool) send turns with tools whose `system`
 *   says `cc_is_subagent=true`: side requests too. Any other path gets a 404 and is recorded.
 * - A 400 is not retried but resent up to 5 more times with beta features stripped (the gateway fallback);
 *   5xx/429 are retried `CLAUDE_CODE_MAX_RETRIES` times. Each resend is the same step, next attempt.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  errorJson,
  errorTypeForStatus,
  messageJson,
  messageSseEvents,
  sse,
  type Reply,
  type ReplyBlock,
  type ReplyUsage,
} from './messages-response.js';
import { readRequestContext } from './request-context.js';

export type Step =
  /** An assistant turn with one or more tool_use blocks (stop_reason `tool_use`). */
  | { kind: 'tool'; calls: ToolCall[]; text?: string; delayMs?: number }
  /** A final answer (stop_reason `end_turn`). */
  | { kind: 'text'; text: string; delayMs?: number }
  /** An HTTP error response in the Messages API error shape; errorType defaults from the status. */
  | { kind: 'error'; status: number; errorType?: string; message: string; delayMs?: number }
  /** Waits `ms`, then answers the text "done"; stops early when the client goes away. */
  | { kind: 'hang'; ms: number };

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface StepContext {
  /** `Primary working directory` of the conversation, or null. */
  cwd: string | null;
  /** N when cwd ends with `/agent-N`, else null. */
  agent: number | null;
  /** 0-based main-conversation turn: assistant messages already in the request. */
  step: number;
  /** 0 the first time this cwd asks for this step, 1 on the first retry, ... */
  attempt: number;
  /** The parsed request body. */
  request: unknown;
}

export type Script = (ctx: StepContext) => Step;

export interface ScriptedModelOptions {
  script: Script;
  /** Usage reported for every answer; default 100 input and 20 output tokens. */
  usage?: ReplyUsage;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/messages`. */
  path: string;
  /** Path with the query string, as received. */
  url: string;
  /** `main`: a scripted turn; `side`: a request without tools; `count_tokens`; `other`: any other path. */
  kind: 'main' | 'side' | 'count_tokens' | 'other';
  cwd: string | null;
  agent: number | null;
  /** The step of a main request, else null. */
  step: number | null;
  attempt: number | null;
  /** Parsed JSON body, the raw text when it is not JSON, null when empty. */
  body: unknown;
  headers: IncomingHttpHeaders;
  stream: boolean;
  /** The step answered to a main request, else null. */
  answer: Step | null;
  /** `client_gone`: the client disconnected before the answer was complete (e.g. an aborted agent). */
  outcome: 'pending' | 'answered' | 'client_gone';
}

export interface ScriptedModel {
  /** Base URL, e.g. `http://127.0.0.1:PORT`: use as ANTHROPIC_BASE_URL. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /**
   * An empty folder, removed on close, that `claudeEnvFor` makes the agents' HOME: their shells then read
   * no profile of this machine's (one that runs `pyenv rehash` in every login shell, say, can stall each
   * Bash call for a minute behind a lock left by a killed shell).
   */
  home: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A model id Claude Code knows the price of, so results carry a nonzero cost. Pass it as `model`. */
export const TEST_MODEL = 'claude-sonnet-4-5';

const DEFAULT_USAGE: ReplyUsage = { inputTokens: 100, outputTokens: 20 };
const DONE: Step = { kind: 'text', text: 'done' };
/** The real API sends a ping now and then on a quiet stream; so does a hang. */
const PING_INTERVAL_MS = 10_000;

export async function startScriptedModel(options: ScriptedModelOptions): Promise<ScriptedModel> {
  const usage = options.usage ?? DEFAULT_USAGE;
  const host = options.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, number>();
  const closing = new AbortController();
  let count = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const body = parseBody(text);
    const url = req.url ?? '/';
    const path = new URL(url, 'http://fixture').pathname;
    const method = req.method ?? 'GET';
    const ctx = readRequestContext(body);
    const record: RecordedRequest = {
      method,
      path,
      url,
      kind: 'other',
      cwd: ctx.cwd,
      agent: ctx.agent,
      step: null,
      attempt: null,
      body,
      headers: req.headers,
      stream: ctx.stream,
      answer: null,
      outcome: 'pending',
    };
    requests.push(record);
    res.on('close', () => {
      record.outcome = res.writableFinished ? 'answered' : 'client_gone';
    });
    const n = ++count;
    const requestId = `req_fixture_${n}`;
    const reply: ReplyOf = (content, stopReason) => ({
      id: `msg_fixture_${n}`,
      model: ctx.model ?? TEST_MODEL,
      content,
      stopReason,
      usage,
    });

    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      record.kind = 'count_tokens';
      sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(text.length / 4)) });
      return;
    }
    if ((method === 'HEAD' || method === 'GET') && path === '/api/hello') {
      sendJson(res, 200, { message: 'hello' });
      return;
    }
    if (method !== 'POST' || path !== '/v1/messages') {
      sendJson(
        res,
        404,
        errorJson('not_found_error', `scripted model: no route ${method} ${path}`, requestId),
      );
      return;
    }
    if (!ctx.main) {
      record.kind = 'side';
      await sendReply(res, reply([{ type: 'text', text: 'OK' }], 'end_turn'), ctx.stream, 0, signalFor(res));
      return;
    }

    record.kind = 'main';
    record.step = ctx.assistantTurns;
    const key = `${ctx.cwd ?? ''}\0${ctx.assistantTurns}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    record.attempt = attempt;
    let step: Step;
    try {
      step = options.script({
        cwd: ctx.cwd,
        agent: ctx.agent,
        step: ctx.assistantTurns,
        attempt,
        request: body,
      });
    } catch (error) {
      // A broken script fails the run with a readable reason (a 400 is not retried, unlike a 5xx).
      step = { kind: 'error', status: 400, message: `scripted model: script threw: ${String(error)}` };
    }
    record.answer = step;
    await sendStep(res, step, reply, ctx.stream, signalFor(res), requestId);
  }

  /** Aborted when the client goes away before the answer is complete, or the server closes. */
  function signalFor(res: ServerResponse): AbortSignal {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    return AbortSignal.any([gone.signal, closing.signal]);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, errorJson('api_error', `scripted model: ${String(error)}`, 'req_fixture'));
      else res.destroy();
    });
  });
  // Longer than any pause between an agent's turns: Claude Code reuses connections, and a socket the server
  // drops just as the client sends on it would fail the turn (tests run with CLAUDE_CODE_MAX_RETRIES=0).
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const home = await mkdtemp(join(tmpdir(), 'fanout-agent-home-'));

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => rm(home, { recursive: true, force: true }));
    return closed;
  };
  return { url, requests, home, close, [Symbol.asyncDispose]: close };
}

/**
 * A script from per-agent step lists: agent index -> steps, `fallback` for any other agent (or none).
 * After the last step it answers the final text "done".
 */
export function scriptByAgent(steps: Record<number, Step[]>, fallback?: Step[]): Script {
  return (ctx) => {
    const list = (ctx.agent === null ? undefined : steps[ctx.agent]) ?? fallback ?? [];
    return list[ctx.step] ?? DONE;
  };
}

/**
 * Environment for Claude Code pointed at the fixture; spread it over `process.env` for `options.env`.
 * Empty strings switch off whatever in the surrounding environment would send requests elsewhere.
 */
export function claudeEnvFor(model: ScriptedModel): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'sk-ant-fixture-not-a-real-key',
    ANTHROPIC_AUTH_TOKEN: '',
    CLAUDE_CODE_OAUTH_TOKEN: '',
    CLAUDE_CODE_USE_BEDROCK: '',
    CLAUDE_CODE_USE_VERTEX: '',
    CLAUDE_CODE_USE_FOUNDRY: '',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    IS_SANDBOX: '1',
    HOME: model.home,
  };
}

type ReplyOf = (content: ReplyBlock[], stopReason: Reply['stopReason']) => Reply;

async function sendStep(
  res: ServerResponse,
  step: Step,
  reply: ReplyOf,
  stream: boolean,
  signal: AbortSignal,
  requestId: string,
): Promise<void> {
  switch (step.kind) {
    case 'tool': {
      const content: ReplyBlock[] = step.text === undefined ? [] : [{ type: 'text', text: step.text }];
      step.calls.forEach((call, i) => {
        content.push({ type: 'tool_use', id: `toolu_${requestId}_${i}`, name: call.name, input: call.input });
      });
      return sendReply(res, reply(content, 'tool_use'), stream, step.delayMs ?? 0, signal);
    }
    case 'text':
      return sendReply(
        res,
        reply([{ type: 'text', text: step.text }], 'end_turn'),
        stream,
        step.delayMs ?? 0,
        signal,
      );
    case 'error':
      if (await sleep(step.delayMs ?? 0, signal)) {
        const type = step.errorType ?? errorTypeForStatus(step.status);
        sendJson(res, step.status, errorJson(type, step.message, requestId), { 'request-id': requestId });
      }
      return;
    case 'hang':
      return sendHang(res, reply([{ type: 'text', text: 'done' }], 'end_turn'), stream, step.ms, signal);
  }
}

async function sendReply(
  res: ServerResponse,
  reply: Reply,
  stream: boolean,
  delayMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (!(await sleep(delayMs, signal))) return;
  if (!stream) {
    sendJson(res, 200, messageJson(reply));
    return;
  }
  res.writeHead(200, sseHeaders());
  res.end(messageSseEvents(reply).join(''));
}

/** Streams the message start at once, pings while waiting, then the rest (or nothing, if the client left). */
async function sendHang(
  res: ServerResponse,
  reply: Reply,
  stream: boolean,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  if (!stream) {
    if (await sleep(ms, signal)) sendJson(res, 200, messageJson(reply));
    return;
  }
  const [start, ...rest] = messageSseEvents(reply);
  res.writeHead(200, sseHeaders());
  res.write(start);
  const ping = setInterval(() => res.write(sse('ping', {})), PING_INTERVAL_MS);
  try {
    if (!(await sleep(ms, signal))) {
      res.destroy();
      return;
    }
  } finally {
    clearInterval(ping);
  }
  res.end(rest.join(''));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function sseHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

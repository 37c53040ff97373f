import { ZERO_USAGE, type Agent, type Run } from '@fanout/shared';

export const RUN_ID = '01jz0000000000000000000000';

export function makeAgent(index: number, overrides: Partial<Agent> = {}): Agent {
  return {
    index,
    branch: `agent-${index}`,
    model: null,
    status: 'queued',
    startedAt: null,
    finishedAt: null,
    commit: null,
    diffStat: null,
    usage: ZERO_USAGE,
    costUsd: null,
    numTurns: 0,
    activity: null,
    check: null,
    ...overrides,
  };
}

export function makeRun(agents = 2, overrides: Partial<Run> = {}): Run {
  return {
    id: RUN_ID,
    prompt: 'Add a greeting\nwith tests',
    createdAt: '2026-01-01T10:00:00.000Z',
    status: 'queued',
    baseCommit: 'abcdef0123456789abcdef0123456789abcdef01',
    model: null,
    check: null,
    budgetUsd: null,
    setup: null,
    copyFiles: [],
    cancelRequested: false,
    finishedAt: null,
    costUsd: null,
    agents: Array.from({ length: agents }, (_, i) => makeAgent(i)),
    ...overrides,
  };
}

/** A fetch that answers from a table of `METHOD path` → handler, recording every request. */
export function fakeFetch(routes: Record<string, (request: Request) => Response | Promise<Response>>) {
  const requests: Request[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // jsdom's AbortSignal is not the one Node's Request accepts; the signal is checked here instead.
    const { signal, ...rest } = init ?? {};
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const request = new Request(new URL(String(input), 'http://fanout.test'), rest);
    requests.push(request);
    const url = new URL(request.url);
    const handler = routes[`${request.method} ${url.pathname}`];
    if (!handler) return new Response('{"error":{"code":"not_found","message":"no route"}}', { status: 404 });
    return handler(request);
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** An SSE body from events, optionally left open (the stream then never ends by itself). */
export function sse(events: { event: string; id: string; data: unknown }[], keepOpen = false): Response {
  const text = events
    .map((e) => `event: ${e.event}\nid: ${e.id}\ndata: ${JSON.stringify(e.data)}\n\n`)
    .join('');
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      if (!keepOpen) controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

import type { RunStreamEvent } from '@fanout/shared';
import { describe, expect, it } from 'vitest';
import { makeAgent, makeRun, sse } from '../testing/run-fixtures';
import { followRunEvents, type ConnectionInfo, type FollowRunEventsOptions } from './follow-run-events';

type Answer = Response | Error;

/** Runs followRunEvents against a list of answers, one per connection attempt. */
async function follow(answers: Answer[], options: Partial<FollowRunEventsOptions> = {}) {
  const headers: (string | null)[] = [];
  const events: RunStreamEvent[] = [];
  const states: ConnectionInfo[] = [];
  const controller = new AbortController();
  const fetchFn = async (_url: RequestInfo | URL, init?: RequestInit) => {
    headers.push(new Headers(init?.headers).get('Last-Event-ID'));
    const answer = answers.shift();
    if (!answer) {
      controller.abort();
      throw new DOMException('aborted', 'AbortError');
    }
    if (answer instanceof Error) throw answer;
    return answer;
  };
  await followRunEvents({
    url: '/api/runs/x/events',
    fetch: fetchFn as typeof fetch,
    signal: controller.signal,
    onEvent: (e) => events.push(e),
    onConnection: (info) => states.push(info),
    sleep: async () => undefined,
    ...options,
  });
  return { headers, events, states: states.map((s) => s.state), infos: states };
}

const running = makeRun(1, { status: 'running' });
const done = makeRun(1, { status: 'succeeded', agents: [makeAgent(0, { status: 'succeeded' })] });

describe('followRunEvents', () => {
  it('stops at the final run event', async () => {
    const result = await follow([
      sse([
        { event: 'run', id: 'c1', data: running },
        { event: 'message', id: 'c2', data: { agent: 0, seq: 1, message: { type: 'assistant' } } },
        { event: 'agent', id: 'c3', data: done.agents[0] },
        { event: 'run', id: 'c4', data: done },
      ]),
    ]);
    expect(result.events.map((e) => e.event)).toEqual(['run', 'message', 'agent', 'run']);
    expect(result.states).toEqual(['connecting', 'live', 'ended']);
    expect(result.headers).toEqual([null]);
  });

  it('resumes from the last event id after the connection drops, and says so', async () => {
    const result = await follow([
      sse([
        { event: 'run', id: 'c1', data: running },
        { event: 'message', id: 'c2', data: { agent: 0, seq: 1, message: {} } },
      ]),
      new TypeError('network down'),
      sse([{ event: 'run', id: 'c3', data: done }]),
    ]);
    expect(result.headers).toEqual([null, 'c2', 'c2']);
    expect(result.states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live', 'ended']);
    expect(result.infos[3]).toMatchObject({ attempt: 2, error: { code: 'network' } });
  });

  it('ends on 204 when resuming after the final event', async () => {
    const result = await follow([new Response(null, { status: 204 })], { lastEventId: 'final' });
    expect(result.headers).toEqual(['final']);
    expect(result.states).toEqual(['connecting', 'ended']);
  });

  it('gives up on a run that does not exist', async () => {
    const body = JSON.stringify({ error: { code: 'run_not_found', message: 'no run x' } });
    const result = await follow([new Response(body, { status: 404 })]);
    expect(result.states).toEqual(['connecting', 'failed']);
    expect(result.infos[1]?.error).toMatchObject({ status: 404, code: 'run_not_found' });
  });

  it('starts over without a cursor the server refuses', async () => {
    let restarted = 0;
    const result = await follow(
      [new Response('{}', { status: 400 }), sse([{ event: 'run', id: 'c9', data: done }])],
      {
        lastEventId: 'v0.bad',
        onRestart: () => (restarted += 1),
      },
    );
    expect(result.headers).toEqual(['v0.bad', null]);
    expect(restarted).toBe(1);
    expect(result.states.at(-1)).toBe('ended');
  });

  it('retries server errors with backoff', async () => {
    const delays: number[] = [];
    const result = await follow(
      [
        new Response('oops', { status: 503 }),
        new Response('oops', { status: 503 }),
        sse([{ event: 'run', id: 'c', data: done }]),
      ],
      { delay: (attempt) => (delays.push(attempt), 0) },
    );
    expect(delays).toEqual([1, 2]);
    expect(result.states).toEqual(['connecting', 'connecting', 'connecting', 'live', 'ended']);
  });

  it('reconnects when the stream goes silent', async () => {
    const result = await follow(
      [sse([{ event: 'run', id: 'c1', data: running }], true), sse([{ event: 'run', id: 'c2', data: done }])],
      { idleTimeoutMs: 20 },
    );
    expect(result.headers).toEqual([null, 'c1']);
    expect(result.states.at(-1)).toBe('ended');
  });
});

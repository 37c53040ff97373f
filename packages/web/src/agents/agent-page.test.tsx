import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider } from '../api/api-context';
import { createApiClient } from '../api/client';
import { HELLO_DIFF } from '../testing/diff-fixtures';
import { fakeFetch, json, makeAgent, makeRun, RUN_ID, sse } from '../testing/run-fixtures';
import { AgentPage } from './agent-page';

beforeEach(() => {
  // jsdom does not scroll; following the transcript only needs the call to exist.
  window.scrollTo = vi.fn() as typeof window.scrollTo;
});
afterEach(cleanup);

const base = `/api/runs/${RUN_ID}`;
const lines = [
  { type: 'system', subtype: 'init', model: 'claude-test', tools: ['Write'], mcp_servers: [] },
  { type: 'assistant', message: { content: [{ type: 'text', text: 'Writing the file now.' }] } },
];
const live = {
  type: 'assistant',
  message: { content: [{ type: 'tool_use', id: 't1', name: 'Write', input: { file_path: 'hello.ts' } }] },
};

describe('AgentPage', () => {
  it('shows the transcript from the file, then what arrives live, each message once', async () => {
    const run = makeRun(1, {
      status: 'running',
      agents: [makeAgent(0, { status: 'running', activity: 'Write: hello.ts' })],
    });
    render(
      <ApiProvider
        client={createApiClient({
          fetch: fakeFetch({
            [`GET ${base}`]: () => json(run),
            [`GET ${base}/events`]: () =>
              sse(
                [
                  { event: 'run', id: '1', data: run },
                  { event: 'message', id: '2', data: { agent: 0, seq: 2, message: lines[1] } },
                  { event: 'message', id: '3', data: { agent: 0, seq: 3, message: live } },
                ],
                true,
              ),
            [`GET ${base}/agents/0/transcript`]: () =>
              new Response(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'),
          }).fetch,
        })}
      >
        <AgentPage runId={RUN_ID} agentIndex={0} tab="transcript" />
      </ApiProvider>,
    );
    // Line 1 comes only from the file, line 3 only from the stream, line 2 from both.
    expect(await screen.findByText(/Session started · claude-test/)).toBeTruthy();
    expect(await screen.findByText('Write', { selector: '.tool-name' })).toBeTruthy();
    expect(screen.getAllByText('Writing the file now.')).toHaveLength(1);
    expect(screen.getByRole('heading', { name: 'agent-0' })).toBeTruthy();
  });

  it("shows the agent's check with the run's command and its output", async () => {
    const agent = makeAgent(0, {
      status: 'succeeded',
      check: { status: 'failed', exitCode: 1, durationMs: 900, output: 'expected ok.txt\n' },
    });
    const run = makeRun(1, { status: 'succeeded', check: 'test -f ok.txt', agents: [agent] });
    render(
      <ApiProvider
        client={createApiClient({
          fetch: fakeFetch({
            [`GET ${base}`]: () => json(run),
            [`GET ${base}/events`]: () => sse([{ event: 'run', id: 'f', data: run }]),
            [`GET ${base}/agents/0/diff`]: () => new Response(HELLO_DIFF),
          }).fetch,
        })}
      >
        <AgentPage runId={RUN_ID} agentIndex={0} tab="diff" />
      </ApiProvider>,
    );
    expect((await screen.findByText('check failed')).getAttribute('data-check')).toBe('failed');
    expect(screen.getByText('$ test -f ok.txt')).toBeTruthy();
    expect(screen.getByLabelText('Check output (its last 8 KB)').textContent).toBe('expected ok.txt\n');
  });

  it('explains a failure in plain words and shows the diff tab', async () => {
    const failed = makeAgent(0, {
      status: 'failed',
      error: { code: 'model_error', message: 'invalid x-api-key', status: 401 },
      diffStat: { files: 2, insertions: 3, deletions: 1 },
    });
    const run = makeRun(1, { status: 'failed', agents: [failed] });
    render(
      <ApiProvider
        client={createApiClient({
          fetch: fakeFetch({
            [`GET ${base}`]: () => json(run),
            [`GET ${base}/events`]: () => sse([{ event: 'run', id: 'f', data: run }]),
            [`GET ${base}/agents/0/diff`]: () => new Response(HELLO_DIFF),
          }).fetch,
        })}
      >
        <AgentPage runId={RUN_ID} agentIndex={0} tab="diff" />
      </ApiProvider>,
    );
    expect(await screen.findByText(/the API key was refused/)).toBeTruthy();
    expect(screen.getByText('invalid x-api-key')).toBeTruthy();
    expect(screen.getByRole('tab', { name: /Diff/ }).getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByRole('navigation', { name: 'Changed files' })).toBeTruthy();
  });
});

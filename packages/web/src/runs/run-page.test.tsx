import type { Agent, Run } from '@fanout/shared';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider } from '../api/api-context';
import { createApiClient } from '../api/client';
import { fakeFetch, json, makeAgent, makeRun, RUN_ID, sse } from '../testing/run-fixtures';
import { RunPage } from './run-page';

afterEach(cleanup);

function renderRunPage(routes: Parameters<typeof fakeFetch>[0], initialRun: Run | null = null) {
  const fake = fakeFetch(routes);
  render(
    <ApiProvider client={createApiClient({ fetch: fake.fetch })}>
      <RunPage runId={RUN_ID} initialRun={initialRun} />
    </ApiProvider>,
  );
  return fake;
}

const finished = (index: number, extra: Partial<Agent> = {}) =>
  makeAgent(index, {
    status: 'succeeded',
    startedAt: '2026-01-01T10:00:00Z',
    finishedAt: '2026-01-01T10:00:42Z',
    numTurns: 3,
    costUsd: 0.0123,
    commit: '0123456789abcdef0123456789abcdef01234567',
    diffStat: { files: 1, insertions: 2, deletions: 0 },
    ...extra,
  });

describe('RunPage', () => {
  it('shows a card per agent that follows the stream to the end', async () => {
    const initial = makeRun(3);
    const running = makeAgent(1, {
      status: 'running',
      startedAt: '2026-01-01T10:00:00Z',
      activity: 'Bash: npm test',
    });
    const done = makeRun(3, {
      status: 'succeeded',
      costUsd: 0.0369,
      agents: [0, 1, 2].map((i) => finished(i)),
    });
    renderRunPage(
      {
        'GET /api/runs/01jz0000000000000000000000': () => json(initial),
        'GET /api/runs/01jz0000000000000000000000/events': () =>
          sse([
            { event: 'run', id: '1', data: initial },
            { event: 'agent', id: '2', data: running },
            ...[0, 1, 2].map((i) => ({ event: 'agent', id: `a${i}`, data: finished(i) })),
            { event: 'run', id: 'f', data: done },
          ]),
      },
      initial,
    );

    const cards = screen.getAllByRole('article');
    expect(cards).toHaveLength(3);
    await vi.waitFor(() => expect(screen.getAllByText('succeeded')).toHaveLength(4)); // 3 cards + the run
    const card = within(screen.getByRole('article', { name: 'agent-1' }));
    expect(card.getByText('$0.012')).toBeTruthy();
    expect(card.getByText('42s')).toBeTruthy();
    expect(card.getByText('+2')).toBeTruthy();
    expect(card.getByRole('link', { name: 'Diff' }).getAttribute('href')).toBe(
      `/runs/${RUN_ID}/agents/1?tab=diff`,
    );
    expect(screen.getByText('total $0.037')).toBeTruthy();
    expect(screen.getByLabelText('git commands').textContent).toContain(`run-${RUN_ID}/repo`);
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
  });

  it('ranks the agents once the run has finished: the smallest change that succeeded is best', async () => {
    const done = makeRun(3, {
      status: 'partial',
      agents: [
        finished(0, { diffStat: { files: 2, insertions: 40, deletions: 2 } }),
        finished(1, { status: 'failed', diffStat: { files: 1, insertions: 1, deletions: 0 } }),
        finished(2, { diffStat: { files: 1, insertions: 5, deletions: 1 } }),
      ],
    });
    renderRunPage({ [`GET /api/runs/${RUN_ID}/events`]: () => new Response(null, { status: 204 }) }, done);
    const rankOf = (name: string) =>
      within(screen.getByRole('article', { name })).getByTitle(/^Rank in the scorecard/).textContent;
    expect(rankOf('agent-2')).toBe('Best');
    expect(rankOf('agent-0')).toBe('#2');
    expect(rankOf('agent-1')).toBe('#3');
  });

  it('shows no ranks while agents are still working', () => {
    const running = makeRun(2, {
      status: 'running',
      agents: [finished(0), makeAgent(1, { status: 'running', startedAt: '2026-01-01T10:00:00Z' })],
    });
    renderRunPage({ [`GET /api/runs/${RUN_ID}/events`]: () => sse([], true) }, running);
    expect(screen.queryByTitle(/^Rank in the scorecard/)).toBeNull();
  });

  it('cancels after a confirmation', async () => {
    const run = makeRun(2, {
      status: 'running',
      agents: [0, 1].map((i) => makeAgent(i, { status: 'running' })),
    });
    const { requests } = renderRunPage({
      'GET /api/runs/01jz0000000000000000000000': () => json(run),
      'GET /api/runs/01jz0000000000000000000000/events': () =>
        sse([{ event: 'run', id: '1', data: run }], true),
      'POST /api/runs/01jz0000000000000000000000/cancel': () => json({ ...run, cancelRequested: true }, 202),
      'GET /api/config': () => json({ maxAgents: 16, storage: '/srv/runs' }),
    });
    await vi.waitFor(() =>
      expect(screen.getByLabelText('git commands').textContent).toContain(`cd /srv/runs/run-${RUN_ID}/repo`),
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Cancel run' }));
    expect(screen.getByText(/Stop 2 unfinished agents\?/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Keep running' }));
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel run' }));
    expect(await screen.findByText(/Cancelling…/)).toBeTruthy();
    expect(requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname)).toEqual([
      `/api/runs/${RUN_ID}/cancel`,
    ]);
  });

  it('says when the run does not exist', async () => {
    const notFound = () => json({ error: { code: 'run_not_found', message: `no run ${RUN_ID}` } }, 404);
    renderRunPage({
      'GET /api/runs/01jz0000000000000000000000': notFound,
      'GET /api/runs/01jz0000000000000000000000/events': notFound,
    });
    expect((await screen.findByRole('alert')).textContent).toContain('No such run');
  });
});

import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../api/api-context';
import { createApiClient } from '../api/client';
import { fakeFetch, json, makeRun } from '../testing/run-fixtures';
import { RunsPage } from './runs-page';

afterEach(cleanup);

const run = (id: string, prompt: string) =>
  makeRun(2, { id: id.padEnd(26, '0'), prompt, status: 'succeeded', costUsd: 0.5 });

describe('RunsPage', () => {
  it('lists runs newest first and pages to older ones', async () => {
    const { fetch, requests } = fakeFetch({
      'GET /api/runs': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'older'
          ? json({ runs: [run('01jx', 'Oldest run')], nextCursor: null })
          : json({ runs: [run('01jz', 'Newest run'), run('01jy', 'Middle run')], nextCursor: 'older' }),
    });
    render(
      <ApiProvider client={createApiClient({ fetch })}>
        <RunsPage />
      </ApiProvider>,
    );
    const list = await screen.findByRole('list', { name: 'Runs' });
    expect(
      within(list)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual([expect.stringContaining('Newest run'), expect.stringContaining('Middle run')]);
    expect(within(list).getAllByText('2 agents')).toHaveLength(2);
    expect(within(list).getAllByText('$0.500')).toHaveLength(2);

    await userEvent.setup().click(screen.getByRole('button', { name: 'Show older runs' }));
    await screen.findByText('Oldest run');
    expect(within(list).getAllByRole('link')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Show older runs' })).toBeNull();
    expect(requests.some((r) => new URL(r.url).searchParams.get('cursor') === 'older')).toBe(true);
  });

  it('says what to do when there are no runs yet', async () => {
    const { fetch } = fakeFetch({ 'GET /api/runs': () => json({ runs: [], nextCursor: null }) });
    render(
      <ApiProvider client={createApiClient({ fetch })}>
        <RunsPage />
      </ApiProvider>,
    );
    expect(await screen.findByText('No runs yet')).toBeTruthy();
  });
});

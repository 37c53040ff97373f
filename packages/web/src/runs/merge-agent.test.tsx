import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../api/api-context';
import { createApiClient } from '../api/client';
import { fakeFetch, json, makeAgent, RUN_ID } from '../testing/run-fixtures';
import { MergeAgent } from './merge-agent';

afterEach(cleanup);

const MERGE = `POST /api/runs/${RUN_ID}/merge`;

function renderMerge(agent: ReturnType<typeof makeAgent>, answer: () => Response) {
  const fake = fakeFetch({ [MERGE]: answer });
  render(
    <ApiProvider client={createApiClient({ fetch: fake.fetch })}>
      <MergeAgent runId={RUN_ID} agent={agent} />
    </ApiProvider>,
  );
  return fake;
}

describe('MergeAgent', () => {
  it('offers nothing while the agent is still working', () => {
    renderMerge(makeAgent(0, { status: 'running' }), () => json({}));
    expect(screen.queryByRole('button', { name: 'Merge into main' })).toBeNull();
  });

  it('merges the agent and says where main is now', async () => {
    const fake = renderMerge(makeAgent(2, { status: 'succeeded' }), () =>
      json({ agent: 2, into: 'main', branch: 'main', commit: 'abcdef0123456789', changed: true }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Merge into main' }));
    expect((await screen.findByRole('status')).textContent).toBe('Merged into main · abcdef01');
    expect(fake.requests).toHaveLength(1);
    expect(await fake.requests[0]!.json()).toEqual({ agent: 2 });
  });

  it('shows a conflict and lets the person try again', async () => {
    const message = 'agent-1 conflicts with main in 1 file: same.txt; main is unchanged';
    renderMerge(makeAgent(1, { status: 'failed' }), () =>
      json({ error: { code: 'conflict', message, details: { files: ['same.txt'] } } }, 409),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Merge into main' }));
    expect((await screen.findByRole('alert')).textContent).toBe(message);
    expect(screen.getByRole('button', { name: 'Merge into main' })).toHaveProperty('disabled', false);
  });
});

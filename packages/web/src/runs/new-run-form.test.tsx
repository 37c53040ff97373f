import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider } from '../api/api-context';
import { createApiClient } from '../api/client';
import { fakeFetch, json, makeRun } from '../testing/run-fixtures';
import { NewRunForm } from './new-run-form';

afterEach(cleanup);

function renderForm(routes: Parameters<typeof fakeFetch>[0]) {
  const fake = fakeFetch(routes);
  const onCreated = vi.fn();
  render(
    <ApiProvider client={createApiClient({ fetch: fake.fetch })}>
      <NewRunForm onCreated={onCreated} />
    </ApiProvider>,
  );
  return { ...fake, onCreated };
}

describe('NewRunForm', () => {
  it('checks the input with the contract before sending, in the API’s words', async () => {
    const { onCreated, requests } = renderForm({});
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Agents'));
    await user.type(screen.getByLabelText('Agents'), '0');
    await user.click(screen.getByRole('button', { name: /start/i }));

    const agents = screen.getByLabelText('Agents');
    expect(await screen.findByText('Must be an integer from 1 to 16')).toBeTruthy();
    expect(screen.getByText('Must not be empty')).toBeTruthy();
    expect(agents.getAttribute('aria-invalid')).toBe('true');
    expect(agents.getAttribute('aria-describedby')).toContain(screen.getByText(/Must be an integer/).id);
    expect(onCreated).not.toHaveBeenCalled();
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('shows the server’s refusal next to the field it names', async () => {
    const { onCreated, requests } = renderForm({
      'GET /api/config': () => json({ maxAgents: 16, defaultModel: 'claude-default', executor: 'local' }),
      'POST /api/runs': () =>
        json(
          {
            error: {
              code: 'invalid_request',
              message: 'agents: must be an integer from 1 to 8',
              details: { field: 'agents', reason: 'must be an integer from 1 to 8' },
            },
          },
          400,
        ),
    });
    const user = userEvent.setup();
    expect(await screen.findByPlaceholderText('claude-default')).toBeTruthy();
    await user.type(screen.getByLabelText('Prompt'), 'Write hello.txt');
    await user.clear(screen.getByLabelText('Agents'));
    await user.type(screen.getByLabelText('Agents'), '12');
    await user.click(screen.getByRole('button', { name: 'Start 12 agents' }));

    expect(await screen.findByText('Must be an integer from 1 to 8')).toBeTruthy();
    expect(screen.getByLabelText('Agents').getAttribute('aria-invalid')).toBe('true');
    expect(onCreated).not.toHaveBeenCalled();
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({ prompt: 'Write hello.txt', agents: 12 });
  });

  it('sends the check command when one is given, trimmed, and checks its length first', async () => {
    const run = makeRun(1);
    const { onCreated, requests } = renderForm({ 'POST /api/runs': () => json(run, 201) });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Prompt'), 'Do it');
    const check = screen.getByLabelText('Check command');
    // Pasted rather than typed: 10,001 key presses would take a while.
    await user.click(check);
    await user.paste('x'.repeat(10_001));
    await user.click(screen.getByRole('button', { name: /start/i }));
    expect(await screen.findByText('Must be at most 10000 characters')).toBeTruthy();
    expect(check.getAttribute('aria-invalid')).toBe('true');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.clear(check);
    await user.type(check, '  npm test ');
    await user.click(screen.getByRole('button', { name: /start/i }));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledWith(run));
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({ prompt: 'Do it', agents: 3, check: 'npm test' });
  });

  it('sends the setup command when one is given, trimmed; a blank one is not sent', async () => {
    const run = makeRun(1);
    const { onCreated, requests } = renderForm({ 'POST /api/runs': () => json(run, 201) });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Prompt'), 'Do it');
    const setup = screen.getByLabelText('Setup command');
    await user.type(setup, '   ');
    await user.click(screen.getByRole('button', { name: /start/i }));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
    expect(await requests.filter((r) => r.method === 'POST')[0]!.json()).toEqual({
      prompt: 'Do it',
      agents: 3,
    });

    await user.type(screen.getByLabelText('Prompt'), 'Again');
    await user.clear(setup);
    await user.type(setup, '  npm ci ');
    await user.click(screen.getByRole('button', { name: /start/i }));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledTimes(2));
    expect(await requests.filter((r) => r.method === 'POST')[1]!.json()).toEqual({
      prompt: 'Again',
      agents: 3,
      setup: 'npm ci',
    });
  });

  it('shows what the server refuses about the setup next to its field', async () => {
    const { onCreated } = renderForm({
      'POST /api/runs': () =>
        json(
          {
            error: {
              code: 'invalid_request',
              message: 'setup: must be at most 10000 characters',
              details: { field: 'setup', reason: 'must be at most 10000 characters' },
            },
          },
          400,
        ),
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Prompt'), 'Do it');
    await user.type(screen.getByLabelText('Setup command'), 'npm ci');
    await user.click(screen.getByRole('button', { name: /start/i }));
    expect(await screen.findByText('Must be at most 10000 characters')).toBeTruthy();
    expect(screen.getByLabelText('Setup command').getAttribute('aria-invalid')).toBe('true');
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('sends the budget in dollars, and refuses one that is not a number of dollars before sending', async () => {
    const run = makeRun(1);
    const { onCreated, requests } = renderForm({ 'POST /api/runs': () => json(run, 201) });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Prompt'), 'Do it');
    const budget = screen.getByLabelText('Budget (US$)');
    await user.type(budget, 'lots');
    await user.click(screen.getByRole('button', { name: /start/i }));
    expect(await screen.findByText('Must be a number of US dollars from 0.01 to 10000')).toBeTruthy();
    expect(budget.getAttribute('aria-invalid')).toBe('true');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.clear(budget);
    await user.type(budget, '$2.50');
    await user.click(screen.getByRole('button', { name: /start/i }));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledWith(run));
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({ prompt: 'Do it', agents: 3, budgetUsd: 2.5 });
  });

  it('hands the created run on, with the model when one is given', async () => {
    const run = makeRun(2);
    const { onCreated, requests } = renderForm({ 'POST /api/runs': () => json(run, 201) });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Prompt'), 'Do it');
    await user.clear(screen.getByLabelText('Agents'));
    await user.type(screen.getByLabelText('Agents'), '2');
    await user.type(screen.getByLabelText('Model'), 'claude-test');
    expect(screen.getByText('1 to 16')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Start 2 agents' }));

    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledWith(run));
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({ prompt: 'Do it', agents: 2, model: 'claude-test' });
  });

  it('says so above the button when the server cannot be reached', async () => {
    const fetchFn = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    render(
      <ApiProvider client={createApiClient({ fetch: fetchFn as unknown as typeof fetch })}>
        <NewRunForm onCreated={() => undefined} />
      </ApiProvider>,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Prompt'), 'Do it');
    await user.click(screen.getByRole('button', { name: /start/i }));
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot reach the fanout server');
  });
});

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPaths } from '@fanout/shared';
import { startOrchestratorProcess, TEST_MODEL } from '@fanout/test-utils';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type BrowserSession } from './browser.js';
import { freePort } from '@fanout/test-utils';
import { startFanoutServer, type FanoutServer } from './fanout-server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// Screenshots of the main screens go to test-results/; UPDATE_SCREENSHOTS=1 refreshes the ones in docs/.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(ROOT, 'docs', 'screenshots')
  : join(ROOT, 'test-results', 'screenshots');
const FAILURES = join(ROOT, 'test-results', 'web');
const AGENTS_DONE_MS = 150_000;

let server: FanoutServer;
let browser: BrowserSession;
/** The 3-agent run the first test creates; later tests inspect it. */
let greetRunPath = '';

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  await mkdir(FAILURES, { recursive: true });
  [server, browser] = await Promise.all([startFanoutServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(() => {
  // The UI must not log errors in any scenario; each test starts with a clean slate.
  const errors = browser.errors.splice(0);
  expect(errors).toEqual([]);
});

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function submitRun(page: Page, prompt: string, agents: string) {
  await page.goto(server.url);
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByLabel('Agents').fill(agents);
  await page.getByLabel('Model').fill(TEST_MODEL);
  await page.getByRole('button', { name: /^Start/ }).click();
}

async function until(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function cardsWithStatus(page: Page, status: string, count: number, timeout = AGENTS_DONE_MS) {
  try {
    await page.waitForFunction(
      ([s, n]) => document.querySelectorAll(`article.agent-card [data-status="${s}"]`).length === n,
      [status, count] as const,
      { timeout },
    );
  } catch (error) {
    // Keep what the page showed, and what the server says, for whoever reads the failure.
    await page.screenshot({ path: join(FAILURES, `cards-${status}-${Date.now()}.png`), fullPage: true });
    const runId = new URL(page.url()).pathname.split('/')[2];
    const run = runId ? await fetch(`${server.url}/api/runs/${runId}`).then((r) => r.text()) : '';
    throw new Error(`${String(error)}\nthe server says: ${run}`);
  }
}

describe('web UI against the real orchestrator, worker and scripted model', () => {
  it('submitting 0 agents shows the field error and starts nothing', async () => {
    const page = await browser.page();
    await submitRun(page, '[greet] never started', '0');
    const error = page.locator('.field-agents .field-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('Must be an integer from 1 to 16');
    expect(await page.getByLabel('Agents').getAttribute('aria-invalid')).toBe('true');
    expect(new URL(page.url()).pathname).toBe('/');
    await screenshot(page, 'new-run-error');
  });

  it('a 3-agent run submitted from the form shows three cards that reach succeeded', async () => {
    const page = await browser.page();
    await submitRun(page, '[greet] Write a greeting function in TypeScript.', '3');
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    greetRunPath = new URL(page.url()).pathname;
    // The run is shown at once, before any agent has started.
    expect(await page.locator('article.agent-card').count()).toBe(3);

    await cardsWithStatus(page, 'succeeded', 3);
    await page.locator('.page-header [data-status="succeeded"]').waitFor();
    const card = page.getByRole('article', { name: 'agent-1' });
    expect(await card.locator('.stats').textContent()).toMatch(/Turns\s*[1-9]/);
    expect(await page.getByLabel('git commands').textContent()).toContain('git diff main..agent-0');
    await screenshot(page, 'run');

    await page.getByRole('link', { name: '← All runs' }).click();
    const row = page.locator(`a.run-row[href="${greetRunPath}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('3 agents');
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('succeeded');
    await screenshot(page, 'runs');
  });

  it('an agent shows its transcript and its file in the diff', async () => {
    expect(greetRunPath).not.toBe('');
    const page = await browser.page();
    await page.goto(server.url + greetRunPath);
    await page.getByRole('article', { name: 'agent-1' }).getByRole('link', { name: 'Transcript' }).click();
    await page.getByRole('heading', { name: 'agent-1' }).waitFor();

    const transcript = page.getByRole('list', { name: 'Transcript' });
    await transcript.getByText('I wrote src/greeting.ts and committed it.').waitFor();
    expect(await transcript.locator('.tool-name').allTextContents()).toEqual(['Write', 'Bash']);
    await transcript.locator('.t-tool summary').first().click();
    const input = transcript.locator('.t-tool .t-input').first();
    expect(await input.textContent()).toContain('file_path');
    expect(await input.locator('pre').textContent()).toContain('export function greet(name: string)');
    await screenshot(page, 'agent-transcript');

    await page.getByRole('tab', { name: /Diff/ }).click();
    const files = page.getByRole('navigation', { name: 'Changed files' });
    await files.waitFor();
    expect(await files.textContent()).toContain('src/greeting.ts');
    expect(await files.textContent()).toContain('+4');
    const code = page.locator('.diff-file .diff-code');
    await code.filter({ hasText: 'from agent 1' }).first().waitFor();
    // Highlighted: the TypeScript keywords carry prism token classes.
    await page.locator('.diff-file .token.keyword').first().waitFor();
    await screenshot(page, 'agent-diff');
  });

  it('compares two agents’ diffs side by side', async () => {
    const page = await browser.page();
    await page.goto(server.url + greetRunPath);
    await page.getByLabel('Second agent').selectOption('2');
    await page.getByRole('button', { name: 'Compare diffs' }).click();
    await page.waitForURL(/\/compare\?a=0&b=2$/);

    // Both agents wrote src/greeting.ts, each in its own way: one row, the two versions side by side.
    const row = page.getByRole('region', { name: 'src/greeting.ts' });
    const left = row.locator('[data-agent-name="agent-0"]');
    const right = row.locator('[data-agent-name="agent-2"]');
    await left.locator('.diff-code').filter({ hasText: 'Hello ${name}, from agent 0' }).waitFor();
    await right.locator('.diff-code').filter({ hasText: 'Welcome ${name}, from agent 2' }).waitFor();
    const [boxA, boxB] = await Promise.all([left.boundingBox(), right.boundingBox()]);
    expect(boxA!.y).toBe(boxB!.y);
    expect(boxA!.x + boxA!.width).toBeLessThan(boxB!.x);
    await screenshot(page, 'compare');
  });

  it('ranks the agents, merges one into main, and shows the conflict of a second that wrote the same file', async () => {
    const page = await browser.page();
    await page.goto(server.url + greetRunPath);
    // The finished run ranks its agents, as its scorecard does.
    const ranks = page.getByTitle(/^Rank in the scorecard/);
    await ranks.first().waitFor();
    expect((await ranks.allTextContents()).sort()).toEqual(['#2', '#3', 'Best']);
    const first = page.getByRole('article', { name: 'agent-0' });
    await first.getByRole('button', { name: 'Merge into main' }).click();
    const done = first.getByRole('status');
    await done.waitFor();
    expect(await done.textContent()).toMatch(/^Merged into main · [0-9a-f]{8}$/);

    const second = page.getByRole('article', { name: 'agent-2' });
    await second.getByRole('button', { name: 'Merge into main' }).click();
    const alert = second.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'agent-2 conflicts with main in 1 file: src/greeting.ts; main is unchanged',
    );
    await screenshot(page, 'merge');
    // The browser logs the refused request itself; that one error is expected, and only that one.
    const refused = browser.errors.filter((e) => e.includes('responded with a status of 409'));
    expect(refused).toHaveLength(1);
    browser.errors.splice(0, browser.errors.length, ...browser.errors.filter((e) => !refused.includes(e)));
  });

  it('is usable at 390 px wide', async () => {
    const page = await browser.page({ width: 390, height: 844 });
    await page.goto(server.url + greetRunPath);
    await cardsWithStatus(page, 'succeeded', 3, 30_000);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'run-mobile');
  });

  it('cancelling a slow run shows every agent reaching cancelled', async () => {
    const page = await browser.page();
    await submitRun(page, '[slow] Write and then think for a long time.', '2');
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    const runId = new URL(page.url()).pathname.split('/').pop()!;
    // Cancel once both agents have written something, to see that their work is kept.
    const worktree = (i: number) => runPaths(server.storage, runId).worktree(i);
    await until(() => [0, 1].every((i) => existsSync(join(worktree(i), `work-${i}.txt`))), 90_000);
    await cardsWithStatus(page, 'running', 2, 10_000);

    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('button', { name: 'Yes, cancel run' }).click();
    await page.getByText(/Cancelling…/).waitFor();
    await cardsWithStatus(page, 'cancelled', 2, 120_000);
    await page.locator('.page-header [data-status="cancelled"]').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    for (const name of ['agent-0', 'agent-1']) {
      expect(await page.getByRole('article', { name }).locator('.stats').textContent()).toContain('+1');
    }
    await screenshot(page, 'cancelled');
  }, 300_000);
});

describe('live updates when the server goes away and comes back', () => {
  let restartable: FanoutServer;

  beforeAll(async () => {
    restartable = await startFanoutServer({ port: await freePort() });
  });

  afterAll(async () => {
    await restartable?.close();
  });

  it('shows the connection lost, then back, and the run goes on live', async () => {
    const page = await browser.page();
    await page.goto(restartable.url);
    await page.getByLabel('Prompt').fill('[pause] Write a file, then pause.');
    await page.getByLabel('Agents').fill('1');
    await page.getByLabel('Model').fill(TEST_MODEL);
    await page.getByRole('button', { name: /^Start/ }).click();
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    const runId = new URL(page.url()).pathname.split('/').pop()!;
    const worktree = runPaths(restartable.storage, runId).worktree(0);
    await until(() => existsSync(join(worktree, 'paused-0.txt')), 90_000);

    await restartable.stopOrchestrator();
    const banner = page.locator('.connection-slot .banner');
    await banner.filter({ hasText: 'Connection lost' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'connection-lost');

    await restartable.startOrchestrator();
    await banner.filter({ hasText: 'Connection restored' }).waitFor({ timeout: 30_000 });
    await cardsWithStatus(page, 'succeeded', 1, 120_000);
    const stats = await page.getByRole('article', { name: 'agent-0' }).locator('.stats').textContent();
    expect(stats).toContain('+1');

    // While the server was down the browser logged its failed requests; nothing else may be there.
    const unexpected = browser.errors
      .splice(0)
      .filter(
        (e) =>
          !/ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/.test(
            e,
          ),
      );
    expect(unexpected).toEqual([]);
  }, 300_000);
});

describe('a server that needs an API token', () => {
  it('asks for the token once, then works with it', async () => {
    const token = 'web-test-token-0123456789';
    await using orchestrator = await startOrchestratorProcess({ env: { FANOUT_API_TOKEN: token } });
    const page = await browser.page();
    await page.goto(orchestrator.url);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.getByText('No runs yet').waitFor();
    expect(await page.getByLabel('API token').count()).toBe(0);
    // The first requests went out without the token; the browser logs their 401s.
    const unexpected = browser.errors.splice(0).filter((e) => !e.includes('status of 401'));
    expect(unexpected).toEqual([]);
  });
});

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run); CHROMIUM_PATH points elsewhere if needed. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface BrowserSession {
  browser: Browser;
  /** A new page of the given width, whose console errors and page errors are collected. */
  page(options?: { width?: number; height?: number }): Promise<Page>;
  /** Console errors, failed requests and uncaught page errors seen on every page so far. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with nothing that talks to the network by itself. Playwright gives each
 * launch a fresh temporary profile (it refuses --user-data-dir with launch()).
 */
export async function launchBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    browser,
    errors,
    async page({ width = 1280, height = 800 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()} (${page.url()})`);
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message} (${page.url()})`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

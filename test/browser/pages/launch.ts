// Opens pages of the demo server in Chromium (demo/chromium.js picks it) through playwright-core,
// for tests that need a server of their own (no COOP/COEP, or the demo).
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer } from '../../../demo/server.js';
import { chromiumLaunchOptions } from '../chromium.js';

export interface Session {
  url: string;
  page: Page;
  /** Uncaught errors of the page and its workers, and console errors. */
  errors: string[];
  close(): Promise<void>;
}

/** Starts the demo server (with or without the isolation headers) and a fresh page. */
export async function open({ isolated }: { isolated: boolean }): Promise<Session> {
  const server = await startServer({ port: 0, isolated });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true });
    const page = await browser.newPage({ viewport: { width: 1040, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const b = browser;
    return { url: server.url, page, errors, close: async () => void (await Promise.all([b.close(), server.close()])) };
  } catch (e) {
    await Promise.all([browser?.close(), server.close()]);
    throw e;
  }
}

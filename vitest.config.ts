import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from './test/browser/chromium.js';

// Served with every page of the browser project, so that it is cross-origin
// isolated: SharedArrayBuffer exists and a shared Memory can go to a worker.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: crossOriginIsolation },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        // Tests that run inside Chromium, in a cross-origin isolated page.
        extends: true,
        test: {
          name: 'browser',
          // The browser's own tests, and the API tests that need nothing of
          // Node's (no node: modules, fixtures, CLI or worker_threads):
          // lifecycle.api, and text.wrap through wasm-ringbuf/web.
          // mpsc.zephyr is Node-only: its B19 expects a timed alloc to wait,
          // which a browser's main thread may not do (it drops instead, as documented).
          include: [
            'test/browser/*.test.ts',
            'test/{ringbuf,items}.{zephyr,errors,memory,batch,write}.test.ts',
            'test/mpsc.{api,errors}.test.ts',
            'test/lifecycle.api.test.ts',
            'test/text.wrap.test.ts',
          ],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // Tests that drive Chromium from Node (playwright-core) against pages
        // this project does not serve: the demo, and a page without COOP/COEP.
        extends: true,
        test: {
          name: 'browser-pages',
          include: ['test/browser/pages/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium of its own at a time, next to the browser project's.
          fileParallelism: false,
        },
      },
    ],
  },
});

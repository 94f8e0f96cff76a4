// The packed package in a fresh project, used as a browser app would use it:
// the pages of test/browser/bundler-app (createEngine('wasm') unshared; and
// { shared: true } with a Web Worker that attaches with its own engine),
// built with esbuild, Vite and webpack with no configuration beyond their
// entry points, run on Vite's dev server, and served unbuilt from a plain
// static server. Each must work in Chromium, and no bundler may warn.
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import * as vite from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import webpack from 'webpack';
import { freshProject, pack, tempDir, unpackInto } from '../../util/pack.js';
import { type StaticServer, serveFolder } from '../../util/static-server.js';
import { chromiumLaunchOptions } from '../chromium.js';

const appSources = new URL('../bundler-app/', import.meta.url);
const pages = ['unshared', 'shared'] as const;
const total = 1 << 18; // bytes the worker streams (shared.js)

let base: string;
let app: string;
let browser: Browser;

beforeAll(async () => {
  base = tempDir('wrb-bundlers-');
  app = freshProject(join(base, 'app'));
  unpackInto(pack(base).tarball, app);
  for (const f of readdirSync(appSources)) if (/\.(html|js)$/.test(f)) cpSync(new URL(f, appSources), join(app, f));
  browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

/** Opens `url` in a fresh context; resolves to the page's window.result and its errors. */
async function run(url: string): Promise<{ result: Record<string, unknown>; errors: string[] }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    await page.waitForFunction('window.result !== undefined', undefined, { timeout: 30_000 });
    return { result: await page.evaluate('window.result'), errors };
  } finally {
    await context.close();
  }
}

/** Both pages at `origin`: the unshared one on a plain server, the shared one cross-origin isolated. */
async function checkPages(plain: string, isolated: string): Promise<void> {
  const unshared = await run(`${plain}/unshared.html`);
  expect(unshared.result).toMatchObject({
    kind: 'wasm',
    shared: false,
    put: 13,
    text: 'hello, bundle',
    item: [7, 1, 2, 10, 20],
  });
  expect(unshared.errors).toEqual([]);
  const shared = await run(`${isolated}/shared.html`);
  expect(shared.result).toEqual({
    isolated: true,
    shared: true,
    got: total,
    wrong: -1,
    worker: { sent: total, kind: 'wasm', shared: true },
  });
  expect(shared.errors).toEqual([]);
}

/** Serves `dir` twice (plain, and cross-origin isolated) and checks both pages there. */
async function checkServed(dir: string): Promise<void> {
  const servers: StaticServer[] = await Promise.all([
    serveFolder(dir, { isolated: false }),
    serveFolder(dir, { isolated: true }),
  ]);
  try {
    await checkPages(servers[0].url, servers[1].url);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

/** Total size of the files in `dir`, in bytes. */
function sizeOf(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => statSync(join(dir, f)))
    .filter((s) => s.isFile())
    .reduce((sum, s) => sum + s.size, 0);
}

/** A Vite logger that collects warnings and errors instead of printing them. */
function collectingLogger(into: string[]): vite.Logger {
  const logger = vite.createLogger('warn');
  logger.warn = (msg) => void into.push(msg);
  logger.warnOnce = (msg) => void into.push(msg);
  logger.error = (msg) => void into.push(msg);
  return logger;
}

const versions = {
  esbuild: esbuild.version,
  vite: vite.version,
  webpack: webpack.version,
};

describe('the packed package in a fresh project', () => {
  test(`esbuild ${versions.esbuild}: bundle (each page and the worker an entry point), then serve`, async () => {
    const out = join(base, 'out-esbuild');
    const result = await esbuild.build({
      absWorkingDir: app,
      entryPoints: ['unshared.js', 'shared.js', 'worker.js'],
      bundle: true,
      format: 'esm',
      outdir: out,
      logLevel: 'silent',
    });
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    for (const p of pages) cpSync(join(app, `${p}.html`), join(out, `${p}.html`));
    console.log(`esbuild ${versions.esbuild}: ${sizeOf(out)} bytes`);
    await checkServed(out);
  });

  test(`Vite ${versions.vite}: vite build, then serve`, async () => {
    const out = join(base, 'out-vite');
    const warnings: string[] = [];
    await vite.build({
      root: app,
      configFile: false,
      logLevel: 'warn',
      customLogger: collectingLogger(warnings),
      build: {
        outDir: out,
        emptyOutDir: true,
        rolldownOptions: { input: Object.fromEntries(pages.map((p) => [p, join(app, `${p}.html`)])) },
      },
    });
    expect(warnings).toEqual([]);
    console.log(`vite ${versions.vite}: ${sizeOf(out)} bytes`);
    await checkServed(out);
  });

  test(`Vite ${versions.vite}: the dev server (dependency pre-bundling on)`, async () => {
    const warnings: string[] = [];
    const server = await vite.createServer({
      root: app,
      configFile: false,
      logLevel: 'warn',
      customLogger: collectingLogger(warnings),
      server: {
        host: '127.0.0.1',
        port: 0,
        headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      },
    });
    try {
      await server.listen();
      const origin = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
      expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await checkPages(origin, origin);
      expect(warnings).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test(`webpack ${versions.webpack}: production build, then serve`, async () => {
    const out = join(base, 'out-webpack');
    const stats = await new Promise<webpack.Stats>((resolve, reject) => {
      webpack(
        {
          context: app,
          mode: 'production',
          entry: Object.fromEntries(pages.map((p) => [p, `./${p}.js`])),
          output: { path: out },
        },
        (err, s) => (err || !s ? reject(err) : resolve(s)),
      );
    });
    const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
    expect(errors?.map((e) => e.message)).toEqual([]);
    expect(warnings?.map((w) => w.message)).toEqual([]);
    // webpack's bundles are classic scripts, which find their chunks through document.currentScript.
    for (const p of pages) {
      const html = readFileSync(join(app, `${p}.html`), 'utf8').replace(' type="module"', ' defer');
      writeFileSync(join(out, `${p}.html`), html);
    }
    console.log(`webpack ${versions.webpack}: ${sizeOf(out)} bytes`);
    await checkServed(out);
  });

  test('no bundler: the pages served as they are, importing the package by its path', async () => {
    const out = join(base, 'out-static');
    const entry = './node_modules/wasm-ringbuf/dist/bindings/index.js';
    cpSync(app, out, { recursive: true, filter: (f) => !f.includes('.vite') });
    for (const f of ['unshared.js', 'shared.js', 'worker.js']) {
      const code = readFileSync(join(out, f), 'utf8');
      writeFileSync(join(out, f), code.replace(`from 'wasm-ringbuf'`, `from '${entry}'`));
    }
    await checkServed(out);
  });
});

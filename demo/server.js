#!/usr/bin/env node
// The demo's web server: node:http only, on 127.0.0.1. It serves /demo,
// /dist and /build from the package, and /bench-bundle/ (the benchmark
// page's script and workers, bundled on request by bench/browser/bundle.js),
// with the two headers that make a page cross-origin isolated, which shared
// memory across workers needs:
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// Usage: npm run demo [-- --port 8080]   (PORT works too; 0 picks a free port)
// Pages: /demo/ (data capture), /demo/bench/ (the benchmarks, run in the browser).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const served = ['demo', 'dist', 'build'];
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Starts the server. `isolated: false` leaves the COOP/COEP headers out, to
 * show (and test) what a page that is not cross-origin isolated gets.
 * Resolves to { url, close() }.
 */
export function startServer({ port = 8080, host = '127.0.0.1', isolated = true } = {}) {
  /** @type {Promise<Map<string, string>> | undefined} */
  let bundle;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/' || path === '/demo' || path === '/bench' || path === '/demo/bench') {
      res.writeHead(302, { location: path.endsWith('bench') ? '/demo/bench/' : '/demo/' });
      res.end();
      return;
    }
    const isolation = isolated
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {};
    if (path.startsWith('/bench-bundle/')) {
      // Built again with each load of the page's script, so that edits show on reload;
      // its workers and chunks come from the same build.
      if (bundle === undefined || path === '/bench-bundle/main.js') {
        bundle = import('../bench/browser/bundle.js').then((m) => m.buildBenchBundle());
      }
      try {
        const text = (await bundle).get(path.slice('/bench-bundle/'.length));
        if (text === undefined) res.writeHead(404).end('not found');
        else res.writeHead(200, { 'content-type': types['.js'], 'cache-control': 'no-store', ...isolation }).end(text);
      } catch (e) {
        bundle = undefined;
        res.writeHead(500).end(`bench bundle: ${e instanceof Error ? e.message : e}`);
      }
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const top = file.slice(root.length).split(sep)[0];
    if (!file.startsWith(root) || !served.includes(top) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      const headers = {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...isolation,
      };
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address()); // TCP: an AddressInfo
      resolve({ url: `http://${host}:${bound}`, close: () => new Promise((r) => server.close(() => r(undefined))) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : (process.env.PORT ?? 8080));
  const { url } = await startServer({ port });
  console.log(`wasm-ringbuf demo: ${url}/demo/, benchmarks: ${url}/demo/bench/  (cross-origin isolated; Ctrl+C stops)`);
}

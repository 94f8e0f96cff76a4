// The package as a user gets it: `npm pack`, then `npm install <tarball>`
// into a fresh project (offline: the package has no dependencies), and from
// there the README's quick start, the CLI, a worker example, and a CommonJS
// require. Also what the tarball holds: what a user needs, nothing dangling.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshProject, pack, tempDir } from './util/pack.js';
import { fixture, normalise } from './util/trace.js';

let base: string;
let app: string;
let files: string[];

beforeAll(() => {
  base = tempDir('wrb-package-');
  const packed = pack(base);
  files = packed.files;
  app = freshProject(join(base, 'app'));
  execFileSync('npm', ['install', packed.tarball, '--offline', '--no-audit', '--no-fund'], { cwd: app, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Runs `node <file>` in the app; returns stdout, failing with stderr on a non-zero exit. */
function node(file: string, code: string): string {
  writeFileSync(join(app, file), code);
  const r = spawnSync(process.execPath, [file], { cwd: app, encoding: 'utf8' });
  expect(r.stderr.replace(/^.*ExperimentalWarning.*\n|^\(Use `node --trace-warnings.*\n/gm, '')).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('the tarball', () => {
  test('holds what a user needs: code, types, both cores, the CLI, its format document, README and LICENSE', () => {
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'docs/trace-format.md',
      'bin/wasm-ringbuf.js',
      'build/core.wasm',
      'build/core.unshared.wasm',
      'dist/bindings/index.js',
      'dist/bindings/index.d.ts',
      'dist/cli/main.js',
    ]) {
      expect(files).toContain(f);
    }
  });

  test('and nothing else: no source maps, no debug core, no sources, tests, benchmarks or demo', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files).not.toContain('build/core.debug.wasm');
    const outside = files.filter(
      (f) => !/^(dist\/.*\.(js|d\.ts)|build\/core(\.unshared)?\.wasm|bin\/.*\.js|docs\/trace-format\.md)$/.test(f),
    );
    expect(outside.sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
  });

  test('no shipped file points to a source map', () => {
    const installed = join(app, 'node_modules', 'wasm-ringbuf');
    const pointing = files
      .filter((f) => f.endsWith('.js'))
      .filter((f) => readFileSync(join(installed, f), 'utf8').includes('sourceMappingURL'));
    expect(pointing).toEqual([]);
  });

  test('LICENSE is the Apache License 2.0, as package.json says, and package.json names the repository', () => {
    const installed = join(app, 'node_modules', 'wasm-ringbuf');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.repository.url).toContain('github.com/wasm-ringbuf/wasm-ringbuf');
    expect(pkg.homepage).toContain('github.com/wasm-ringbuf/wasm-ringbuf');
    expect(pkg.bugs.url).toContain('github.com/wasm-ringbuf/wasm-ringbuf/issues');
  });
});

describe('installed into a fresh project', () => {
  test("the README's quick start runs", () => {
    const out = node(
      'quick.mjs',
      `import { createEngine, RingBuf } from 'wasm-ringbuf';
const engine = await createEngine('wasm');
const rb = new RingBuf(engine, 4096);
const put = rb.put(new TextEncoder().encode('hello'));
const out = new Uint8Array(16);
const n = rb.get(out);
const granted = rb.putClaim(64);
rb.storage.fill(0xab, rb.putOffset, rb.putOffset + granted);
rb.putFinish(granted);
console.log(JSON.stringify({ put, n, text: new TextDecoder().decode(out.subarray(0, n)), size: rb.size }));
`,
    );
    expect(JSON.parse(out)).toEqual({ put: 5, n: 5, text: 'hello', size: 64 });
  });

  test('the CLI replays a Zephyr trace like Zephyr, and its help names a document that is there', () => {
    const bin = join(app, 'node_modules', '.bin', 'wasm-ringbuf');
    const r = spawnSync(bin, ['trace'], { cwd: app, input: fixture('rb_basic.txt'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(normalise(r.stdout)).toEqual(normalise(fixture('rb_basic.out')));
    const help = spawnSync(bin, ['--help'], { cwd: app, encoding: 'utf8' }).stdout;
    const doc = help.match(/\b(docs\/[\w.-]+\.md)\b/)?.[1];
    expect(doc).toBe('docs/trace-format.md');
    expect(existsSync(join(app, 'node_modules', 'wasm-ringbuf', doc ?? ''))).toBe(true);
  });

  test('a worker thread attaches to a shared RingBuf and reads every byte', () => {
    writeFileSync(
      join(app, 'reader.mjs'),
      `import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, RingBuf } from 'wasm-ringbuf';
const { desc, module, total } = workerData;
const engine = await createEngine('js', { memory: desc.memory, module });
const rb = RingBuf.attach(engine, desc);
const out = new Uint8Array(1000);
let got = 0, sum = 0;
while (got < total && rb.waitForData(5000)) {
  const n = rb.get(out);
  for (let i = 0; i < n; i++) sum = (sum + out[i]) | 0;
  got += n;
}
parentPort.postMessage({ got, sum });
`,
    );
    const out = node(
      'workers.mjs',
      `import { Worker } from 'node:worker_threads';
import { createEngine, RingBuf } from 'wasm-ringbuf';
const engine = await createEngine('wasm', { shared: true });
const rb = new RingBuf(engine, 4096);
const total = 1 << 20;
const worker = new Worker(new URL('./reader.mjs', import.meta.url), {
  workerData: { desc: rb.descriptor, module: engine.module, total },
});
const done = new Promise((resolve, reject) => { worker.on('message', resolve); worker.on('error', reject); });
const chunk = new Uint8Array(997);
let sent = 0, sum = 0;
while (sent < total) {
  const n = Math.min(chunk.length, total - sent);
  for (let i = 0; i < n; i++) { chunk[i] = (sent + i) & 255; sum = (sum + chunk[i]) | 0; }
  let at = 0;
  while (at < n) { at += rb.put(chunk, at, n); if (at < n) rb.waitForSpace(1000); }
  sent += n;
}
const reply = await done;
await worker.terminate();
console.log(JSON.stringify({ sent, sum, reply }));
`,
    );
    const r = JSON.parse(out);
    expect(r.reply).toEqual({ got: r.sent, sum: r.sum });
    expect(r.sent).toBe(1 << 20);
  });

  test('a CommonJS file can require() it (Node >= 20.19)', () => {
    const out = node(
      'common.cjs',
      `const { createEngine, RingBuf } = require('wasm-ringbuf');
createEngine('js').then((engine) => {
  const rb = new RingBuf(engine, 16);
  console.log(rb.put(new Uint8Array([1, 2, 3])));
});
`,
    );
    expect(out.trim()).toBe('3');
  });
});

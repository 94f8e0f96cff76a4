// A process whose streams have ended must exit by itself: no timer, handle
// or pending wait left behind (thread-stream's "hanging handshake"), and no
// data lost at the end (its "logs lost at shutdown"). Each case runs a
// script in a child process that never calls process.exit, and must finish
// with every byte or message accounted for.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const dist = new URL('../dist/bindings/', import.meta.url).href;

/** Runs an ES module source in a child node; resolves with its exit code and stdout, or rejects if it has not exited after `ms`. */
function runChild(source: string, ms = 30_000): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '',
    err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit by itself within ${ms} ms; stdout: ${out} stderr: ${err}`));
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** Source of a Worker (eval'd, an ES module like its parent's) that runs `body` with the engine and the library. */
const workerSource = (body: string) => `
  import { workerData, parentPort } from 'node:worker_threads';
  const lib = await import('${dist}index.js');
  const streams = await import('${dist}streams/node.js');
  const engine = await lib.createEngine(workerData.kind, { memory: workerData.desc.memory, module: workerData.module });
  ${body}
`;

test('a worker writes lines and ends; the main thread reads them to the end; the process exits by itself', async () => {
  const source = `
    import { Worker } from 'node:worker_threads';
    import { createEngine, RingBuf } from '${dist}index.js';
    import { RingReadable } from '${dist}streams/node.js';
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 1024);
    new Worker(${JSON.stringify(
      workerSource(`
        const out = new streams.RingWritable(lib.RingBuf.attach(engine, workerData.desc));
        for (let i = 0; i < 20000; i++) if (!out.write('line ' + i + ' ünïcödé\\n')) await new Promise((r) => out.once('drain', r));
        out.end();
      `),
    )}, { eval: true, workerData: { kind: 'js', desc: rb.descriptor, module: engine.module } });
    let text = '';
    const input = new RingReadable(rb);
    input.setEncoding('utf8');
    for await (const s of input) text += s;
    const lines = text.split('\\n');
    console.log(lines.length - 1, lines[19999]);
  `;
  const r = await runChild(source);
  expect(r.err).toBe('');
  expect(r.out.trim()).toBe('20000 line 19999 ünïcödé');
  expect(r.code).toBe(0);
});

test('the main thread writes and ends at once; the worker still gets every byte; the process exits by itself', async () => {
  const source = `
    import { Worker } from 'node:worker_threads';
    import { createEngine, RingBuf } from '${dist}index.js';
    import { RingWritable } from '${dist}streams/node.js';
    const engine = await createEngine('js', { shared: true });
    const rb = new RingBuf(engine, 4096);
    const w = new Worker(${JSON.stringify(
      workerSource(`
        let bytes = 0;
        for await (const chunk of new streams.RingReadable(lib.RingBuf.attach(engine, workerData.desc))) bytes += chunk.length;
        parentPort.postMessage(bytes);
      `),
    )}, { eval: true, workerData: { kind: 'wasm', desc: rb.descriptor, module: engine.module } });
    w.on('message', (n) => console.log(n));
    const out = new RingWritable(rb);
    for (let i = 0; i < 1000; i++) out.write(new Uint8Array(997));
    out.end(); // nothing else: a logger at shutdown
  `;
  const r = await runChild(source);
  expect(r.err).toBe('');
  expect(r.out.trim()).toBe(String(1000 * 997));
  expect(r.code).toBe(0);
});

test('two worker producers of messages end; the main reader ends after both; the process exits by itself', async () => {
  const source = `
    import { Worker } from 'node:worker_threads';
    import { createEngine, MpscPbuf } from '${dist}index.js';
    import { MessageReadable } from '${dist}streams/node.js';
    const engine = await createEngine('wasm', { shared: true });
    const pb = new MpscPbuf(engine, 256);
    for (const kind of ['wasm', 'js']) {
      new Worker(${JSON.stringify(
        workerSource(`
          const out = new streams.MessageWritable(lib.MpscPbuf.attach(engine, workerData.desc));
          for (let i = 0; i < 2000; i++) if (!out.write(workerData.kind + i)) await new Promise((r) => out.once('drain', r));
          out.end();
        `),
      )}, { eval: true, workerData: { kind, desc: pb.descriptor, module: engine.module } });
    }
    let n = 0;
    for await (const m of new MessageReadable(pb, { producers: 2 })) n++;
    console.log(n);
  `;
  const r = await runChild(source);
  expect(r.err).toBe('');
  expect(r.out.trim()).toBe('4000');
  expect(r.code).toBe(0);
});

// Smoke run of the streams in other runtimes (not part of `npm test`, which
// runs on Node): Web streams with a Web Worker, and the Node streams, in Deno
// and Bun; CI (.ci/run) runs it under scripts/runtimes.js's Bun and Deno.
// After `npm run build`:
//   "$(node scripts/runtimes.js deno | cut -d' ' -f2)" run -A test/streams.runtimes.smoke.mjs
//   "$(node scripts/runtimes.js bun | cut -d' ' -f2)" test/streams.runtimes.smoke.mjs
// Prints one line per check; exits with 1 if any failed.
const root = new URL('../', import.meta.url);
const { createEngine, RingBuf, MpscPbuf } = await import(new URL('dist/bindings/index.js', root));
const web = await import(new URL('dist/bindings/streams/web.js', root));
const { parts } = await import(new URL('test/browser/workers/stream-worker.js', root));
// Importing the worker script set its `onmessage` on this thread's global too;
// Bun keeps a process with a global message handler alive (a hang at the end).
globalThis.onmessage = null;
let failed = 0;
const check = (what, ok) => {
  console.log(what, ok ? 'ok' : 'FAILED');
  if (!ok) failed++;
};
const fnv = (list) => {
  let h = 0x811c9dc5,
    n = 0;
  for (const p of list) {
    const b = typeof p === 'string' ? new TextEncoder().encode(p) : p;
    for (const x of b) h = Math.imul(h ^ x, 0x01000193);
    n += b.length;
  }
  return `${n}:${h >>> 0}`;
};
for (const kind of ['wasm', 'js']) {
  const engine = await createEngine(kind, { shared: true });
  const wasm = kind === 'wasm' ? engine : await createEngine('wasm', { memory: engine.memory });
  // same thread
  const rb = new RingBuf(engine, 500);
  const sent = parts(3, 100);
  const writing = (async () => {
    const w = web.ringWritableStream(rb).getWriter();
    for (const p of sent) await w.write(p);
    await w.close();
  })();
  const got = [];
  const reader = web.ringReadableStream(rb).getReader({ mode: 'byob' });
  let buf = new Uint8Array(300);
  for (let r = await reader.read(buf); !r.done; r = await reader.read(buf)) {
    got.push(r.value.slice());
    buf = new Uint8Array(r.value.buffer);
  }
  await writing;
  check(`${kind} same thread`, fnv(got) === fnv(sent));
  // a Web Worker writes
  const rb2 = new RingBuf(engine, 4096);
  const w = new Worker(new URL('test/browser/workers/stream-worker.js', root), { type: 'module' });
  const done = new Promise((res, rej) => {
    w.onmessage = (e) => (e.data.error ? rej(new Error(e.data.error)) : res(e.data.result));
    w.onerror = (e) => rej(e);
  });
  w.postMessage({
    role: 'write',
    kind: kind === 'wasm' ? 'js' : 'wasm',
    module: wasm.module,
    descriptor: rb2.descriptor,
    seed: 9,
    count: 300,
  });
  const got2 = [];
  const r2 = web.ringReadableStream(rb2).getReader();
  for (let r = await r2.read(); !r.done; r = await r2.read()) got2.push(r.value);
  await done;
  w.terminate();
  check(`${kind} worker → main`, fnv(got2) === fnv(parts(9, 300)));
  // messages
  const pb = new MpscPbuf(engine, 64);
  const mw = web.messageWritableStream(pb).getWriter();
  const mwriting = (async () => {
    for (let i = 0; i < 300; i++) await mw.write(i % 2 ? `m${i}` : new Uint8Array([i & 255]));
    await mw.close();
  })();
  let n = 0;
  for await (const _message of web.messageReadableStream(pb, { producers: 1 })) n++;
  await mwriting;
  check(`${kind} messages`, n === 300);
}
const nodeStreams = await import(new URL('dist/bindings/streams/node.js', root));
const { pipeline } = await import('node:stream/promises');
const { Readable } = await import('node:stream');
for (const kind of ['wasm', 'js']) {
  const engine = await createEngine(kind, { shared: true });
  const rb = new RingBuf(engine, 100);
  const input = new nodeStreams.RingReadable(rb);
  input.setEncoding('utf8');
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} é€😀\n`);
  const reading = (async () => {
    let s = '';
    for await (const x of input) s += x;
    return s;
  })();
  await pipeline(Readable.from(lines), new nodeStreams.RingWritable(rb));
  check(`${kind} node streams text`, (await reading) === lines.join(''));
  const pb = new MpscPbuf(engine, 64);
  const w = new nodeStreams.MessageWritable(pb);
  const r = new nodeStreams.MessageReadable(pb, { producers: 1 });
  const writing = (async () => {
    for (let i = 0; i < 500; i++) if (!w.write(`m${i}`)) await new Promise((res) => w.once('drain', res));
    w.end();
  })();
  let c = 0;
  for await (const _ of r) c++;
  await writing;
  check(`${kind} node messages`, c === 500);
}
if (failed > 0) throw new Error(`${failed} checks failed`);

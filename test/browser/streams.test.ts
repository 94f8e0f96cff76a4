// Web streams across threads in Chromium: a Web Worker writes a WritableStream
// into a RingBuf that the page reads through a 'bytes' ReadableStream (BYOB),
// the page writes one a worker reads, and two workers write message streams
// into an MpscPbuf the page reads. The page's main thread never blocks.
// Engines are mixed across the threads.
import { describe, expect, test } from 'vitest';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { messageReadableStream, ringReadableStream, ringWritableStream } from '../../dist/bindings/streams/web.js';
import { parts } from './workers/stream-worker.js';

/** Runs a role of workers/stream-worker.js in a new Web Worker. */
function inWorker<T>(data: Record<string, unknown>): Promise<T> {
  const w = new Worker(new URL('./workers/stream-worker.js', import.meta.url), { type: 'module' });
  return new Promise<T>((resolve, reject) => {
    w.onmessage = ({ data: m }) => {
      w.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m.result);
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(data);
  }).finally(() => w.terminate());
}

function fnvOf(list: (Uint8Array | string)[]): { bytes: number; hash: number } {
  let h = 0x811c9dc5,
    bytes = 0;
  for (const p of list) {
    const b = typeof p === 'string' ? new TextEncoder().encode(p) : p;
    for (const x of b) h = Math.imul(h ^ x, 0x01000193);
    bytes += b.length;
  }
  return { bytes, hash: h >>> 0 };
}

const pairs = [
  ['wasm', 'js'],
  ['js', 'wasm'],
] as const;

describe.each(pairs)('page %s, worker %s', (mine, theirs) => {
  async function setup() {
    const engine = await createEngine(mine, { shared: true });
    const wasm = mine === 'wasm' ? engine : await createEngine('wasm', { memory: engine.memory });
    return { engine, module: wasm.module };
  }

  test('a worker writes bytes and text; the page reads with a BYOB reader to the end: every byte, in order', async () => {
    const { engine, module } = await setup();
    const rb = new RingBuf(engine, 4096);
    const writer = inWorker({ role: 'write', kind: theirs, module, descriptor: rb.descriptor, seed: 9, count: 300 });
    const reader = ringReadableStream(rb).getReader({ mode: 'byob' });
    const got: Uint8Array[] = [];
    let buf = new Uint8Array(777);
    for (let r = await reader.read(buf); !r.done; r = await reader.read(buf)) {
      got.push(r.value.slice());
      buf = new Uint8Array(r.value.buffer);
    }
    await writer;
    expect(fnvOf(got)).toEqual(fnvOf(parts(9, 300)));
    expect(rb.ended).toBe(true);
  });

  test('the page writes; a worker reads to the end', async () => {
    const { engine, module } = await setup();
    const rb = new RingBuf(engine, 1000);
    const reader = inWorker<{ bytes: number; hash: number }>({
      role: 'read',
      kind: theirs,
      module,
      descriptor: rb.descriptor,
    });
    const sent = parts(4, 200);
    const w = ringWritableStream(rb).getWriter();
    for (const p of sent) await w.write(p);
    await w.close();
    expect(await reader).toEqual(fnvOf(sent));
  });

  test('two workers write messages; the page reads a message stream until both have ended', async () => {
    const { engine, module } = await setup();
    const pb = new MpscPbuf(engine, 256);
    const count = 1000;
    const producers = [0, 1].map((id) =>
      inWorker({ role: 'messages', kind: id ? theirs : mine, module, descriptor: pb.descriptor, id, count }),
    );
    const next = [0, 0];
    const reader = messageReadableStream(pb, { producers: 2 }).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      const m = r.value;
      const [id, i] = typeof m === 'string' ? m.split(':').map(Number) : [m[0], m[1] | (m[2] << 8)];
      expect(i).toBe(next[id]);
      next[id]++;
    }
    await Promise.all(producers);
    expect(next).toEqual([count, count]);
  });
});

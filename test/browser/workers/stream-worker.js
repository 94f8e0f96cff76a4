// Web Worker of test/browser/streams.test.ts: one side of a Web stream over a
// buffer made by the page. Roles: 'write' (a WritableStream of a seeded mix of
// bytes and text into a RingBuf, then close), 'read' (a BYOB ReadableStream of
// a RingBuf to its end: count and FNV-1a), 'messages' (a message
// WritableStream into an MpscPbuf). Posts { result } or { error }.
import { createEngine, MpscPbuf, RingBuf } from '../../../dist/bindings/index.js';
import { messageWritableStream, ringReadableStream, ringWritableStream } from '../../../dist/bindings/streams/web.js';
import { prng } from '../../workers/roles.js';

/** The seeded parts the page checks against: byte arrays and strings of 1- to 4-byte characters. */
export function parts(seed, count) {
  const next = prng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    if (next() % 3 === 0) {
      let s = '';
      for (let k = next() % 40; k >= 0; k--) s += ['a', 'é', '€', '😀'][next() % 4];
      out.push(s);
    } else {
      out.push(Uint8Array.from({ length: 1 + (next() % 2000) }, () => next() & 255));
    }
  }
  return out;
}

const roles = {
  async write({ engine, descriptor, seed, count }) {
    const w = ringWritableStream(RingBuf.attach(engine, descriptor)).getWriter();
    for (const p of parts(seed, count)) await w.write(p);
    await w.close();
    return { closed: true };
  },
  async read({ engine, descriptor }) {
    const reader = ringReadableStream(RingBuf.attach(engine, descriptor)).getReader({ mode: 'byob' });
    let h = 0x811c9dc5,
      bytes = 0,
      buf = new Uint8Array(1000);
    for (let r = await reader.read(buf); !r.done; r = await reader.read(buf)) {
      for (const b of r.value) h = Math.imul(h ^ b, 0x01000193);
      bytes += r.value.length;
      buf = new Uint8Array(r.value.buffer);
    }
    return { bytes, hash: h >>> 0 };
  },
  async messages({ engine, descriptor, id, count }) {
    const w = messageWritableStream(MpscPbuf.attach(engine, descriptor)).getWriter();
    for (let i = 0; i < count; i++) await w.write(i % 2 ? `${id}:${i}` : new Uint8Array([id, i & 255, i >> 8]));
    await w.close();
    return { sent: count };
  },
};

self.onmessage = async ({ data }) => {
  try {
    const engine = await createEngine(data.kind, { memory: data.descriptor.memory, module: data.module });
    postMessage({ result: await roles[data.role]({ ...data, engine }) });
  } catch (e) {
    postMessage({ error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) });
  }
};

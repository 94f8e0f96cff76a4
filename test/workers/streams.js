// Worker roles of the stream tests (test/streams.*.test.ts), one per
// worker_threads Worker: { role, kind, module, descriptor, ... } in
// workerData; posts { result } or { error }. Each role uses the Node streams
// of wasm-ringbuf/node over a buffer made by the test's thread.
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { MessageWritable, RingReadable, RingWritable } from '../../dist/bindings/streams/node.js';
import { prng } from './roles.js';

/** The chunks of a seeded byte stream: sizes 1..max, bytes from the generator, every seventh a string. */
export function* chunks(seed, total, max) {
  const next = prng(seed);
  for (let sent = 0; sent < total; ) {
    const n = Math.min(total - sent, 1 + (next() % max));
    if (next() % 7 === 0) {
      let s = '';
      for (let i = 0; i < n; i++) s += ['a', 'é', '€', '😀'][next() % 4];
      yield s;
      sent += n;
    } else {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = next();
      yield b;
      sent += n;
    }
  }
}

const roles = {
  /** Reads the ring to its end; returns the byte count and FNV-1a of every byte. */
  async read({ engine, descriptor }) {
    const input = new RingReadable(RingBuf.attach(engine, descriptor));
    let bytes = 0,
      h = 0x811c9dc5;
    await pipeline(
      input,
      new Writable({
        write(chunk, _, cb) {
          for (let i = 0; i < chunk.length; i++) h = Math.imul(h ^ chunk[i], 0x01000193);
          bytes += chunk.length;
          cb();
        },
      }),
    );
    return { bytes, hash: h >>> 0 };
  },

  /** Writes the seeded stream through a pipeline, then ends it (closes the ring). */
  async write({ engine, descriptor, seed, total, max }) {
    const out = new RingWritable(RingBuf.attach(engine, descriptor));
    await pipeline(
      (async function* () {
        yield* chunks(seed, total, max);
      })(),
      out,
    );
    return { ended: true };
  },

  /** Writes `count` messages, alternately strings and bytes, each naming this producer and its sequence number. */
  async messages({ engine, descriptor, id, count, end }) {
    const out = new MessageWritable(MpscPbuf.attach(engine, descriptor), { end });
    for (let i = 0; i < count; i++) {
      const text = `${id}:${i}:${'ü'.repeat(i % 50)}`;
      const msg = i % 2 === 0 ? text : new TextEncoder().encode(text);
      if (!out.write(msg)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return { sent: count };
  },

  /** Writes until the stream fails, and returns the error it failed with. */
  async writeUntilError({ engine, descriptor }) {
    const out = new RingWritable(RingBuf.attach(engine, descriptor));
    const chunk = new Uint8Array(1000);
    const failed = once(out, 'error');
    for (;;) {
      if (out.destroyed) break;
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
    const [e] = await failed;
    return { name: e.name, code: e.code, message: e.message };
  },
};

if (parentPort !== null && workerData?.role !== undefined) {
  const port = parentPort;
  const { role, kind, module, descriptor } = workerData;
  const engine = await createEngine(kind, { memory: descriptor.memory, module });
  roles[role]({ ...workerData, engine }).then(
    (result) => port.postMessage({ result }),
    (e) => port.postMessage({ error: e instanceof Error ? e.stack : String(e) }),
  );
}

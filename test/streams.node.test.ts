// Node streams over RingBuf and MpscPbuf (wasm-ringbuf/node): every byte
// delivered once and in order across threads (checksums), end of stream,
// errors and aborts both ways, backpressure, automatic batching, messages
// from many producer threads. Both engines, and mixed across threads.
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { BufferAbortedError, createEngine, type EngineKind, MpscPbuf, RingBuf } from '../dist/bindings/index.js';
import {
  ABORT_CANCELLED,
  ABORT_ERROR,
  MessageReadable,
  MessageWritable,
  maxMessageBytes,
  RingReadable,
  RingWritable,
} from '../dist/bindings/streams/node.js';
import { chunks } from './workers/streams.js';

const script = new URL('./workers/streams.js', import.meta.url);

/** Runs a role of workers/streams.js in a Worker; resolves with its result. */
function role<T>(data: Record<string, unknown>): Promise<T> {
  const w = new Worker(script, { workerData: data });
  return new Promise<T>((resolve, reject) => {
    w.once('message', (m: { result?: T; error?: string }) => {
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.result as T);
    });
    w.once('error', reject);
  });
}

function fnvOf(list: (Uint8Array | string)[]): { bytes: number; hash: number } {
  const enc = new TextEncoder();
  let h = 0x811c9dc5,
    bytes = 0;
  for (const c of list) {
    const b = typeof c === 'string' ? enc.encode(c) : c;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
    bytes += b.length;
  }
  return { bytes, hash: h >>> 0 };
}

const pairs: [EngineKind, EngineKind][] = [
  ['wasm', 'wasm'],
  ['js', 'js'],
  ['wasm', 'js'],
  ['js', 'wasm'],
];

describe('RingWritable → RingReadable across threads', () => {
  test.each(pairs)(
    'this thread %s writes, a worker %s reads to the end: every byte once, in order',
    async (mine, theirs) => {
      const engine = await createEngine(mine, { shared: true });
      const rb = new RingBuf(engine, 4096);
      const total = 300_000;
      const reader = role<{ bytes: number; hash: number }>({
        role: 'read',
        kind: theirs,
        module: engine.module,
        descriptor: rb.descriptor,
      });
      const sent = [...chunks(11, total, 700)];
      await pipeline(Readable.from(sent), new RingWritable(rb));
      expect(rb.state).toBe('closed');
      expect(await reader).toEqual(fnvOf(sent));
    },
  );

  test.each(pairs)('a worker %s writes, this thread %s reads with for await until the end', async (theirs, mine) => {
    const engine = await createEngine(mine, { shared: true });
    const rb = new RingBuf(engine, 1000);
    const total = 200_000;
    const writer = role({
      role: 'write',
      kind: theirs,
      module: engine.module,
      descriptor: rb.descriptor,
      seed: 5,
      total,
      max: 300,
    });
    const got: Uint8Array[] = [];
    for await (const chunk of new RingReadable(rb)) got.push(chunk as Uint8Array);
    await writer;
    expect(rb.ended).toBe(true);
    expect(fnvOf(got)).toEqual(fnvOf([...chunks(5, total, 300)]));
  });
});

describe('errors and aborts', () => {
  test('stream.finished: the writer finishes at end(), the reader at the end of stream', async () => {
    const engine = await createEngine('js', { shared: true });
    const rb = new RingBuf(engine, 64);
    const w = new RingWritable(rb);
    const r = new RingReadable(rb);
    r.resume();
    w.end('last words');
    await finished(w);
    expect(rb.state).toBe('closed');
    await finished(r);
    expect(rb.ended).toBe(true);
  });

  test('pipeline: a source error aborts the ring (code 1), and the reader errors with BufferAbortedError', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 256);
    const reading = (async () => {
      for await (const _ of new RingReadable(rb)) {
        // drain
      }
    })();
    const boom = new Error('source failed');
    const source = (async function* () {
      yield new Uint8Array(100);
      yield new Uint8Array(100);
      throw boom;
    })();
    await expect(pipeline(source, new RingWritable(rb))).rejects.toBe(boom);
    expect(rb.state).toBe('aborted');
    expect(rb.abortCode).toBe(ABORT_ERROR);
    const e = await reading.then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(BufferAbortedError);
    expect((e as BufferAbortedError).code).toBe(ABORT_ERROR);
  });

  test("destroy(err) passes err.abortCode on; the reader's pipeline rejects with it", async () => {
    const engine = await createEngine('js', { shared: true });
    const rb = new RingBuf(engine, 256);
    const w = new RingWritable(rb);
    w.on('error', () => {});
    const sink = pipeline(new RingReadable(rb), new Writable({ write: (_c, _e, cb) => cb() }));
    w.write('hello');
    w.destroy(Object.assign(new Error('disk full'), { abortCode: 7 }));
    await expect(sink).rejects.toThrow(/aborted \(code 7\)/);
  });

  test('a worker writer gets BufferAbortedError when the reader is destroyed (cancelled, code 2)', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 2048);
    const writer = role<{ name: string; message: string }>({
      role: 'writeUntilError',
      kind: 'js',
      module: engine.module,
      descriptor: rb.descriptor,
    });
    const input = new RingReadable(rb);
    let got = 0;
    for await (const chunk of input) {
      got += (chunk as Uint8Array).length;
      if (got > 50_000) break; // destroys the stream
    }
    expect(rb.abortCode).toBe(ABORT_CANCELLED);
    const e = await writer;
    expect(e.name).toBe('BufferAbortedError');
    expect(e.message).toMatch(/code 2/);
  });

  test('write after end: ERR_STREAM_WRITE_AFTER_END; chunks of the wrong type: TypeError; the ring is unchanged', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 256);
    const w = new RingWritable(rb);
    expect(() => w.write(42 as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => w.write({} as unknown as Uint8Array)).toThrow(TypeError);
    w.write('abc');
    w.end();
    await once(w, 'finish');
    const e = await new Promise((resolve) => w.write('more', resolve));
    expect((e as NodeJS.ErrnoException).code).toBe('ERR_STREAM_WRITE_AFTER_END');
    expect(rb.size).toBe(3);
    expect(rb.state).toBe('closed');
  });

  test('writing to a ring the reader aborted fails with BufferAbortedError, and nothing is written', async () => {
    const engine = await createEngine('js', { shared: true });
    const rb = new RingBuf(engine, 256);
    const w = new RingWritable(rb);
    rb.abort(9);
    const errored = once(w, 'error');
    w.write(new Uint8Array(10));
    const [e] = await errored;
    expect(e).toBeInstanceOf(BufferAbortedError);
    expect((e as BufferAbortedError).code).toBe(9);
  });

  test('a string after the reader aborted fails too (strings are staged before the ring: the state is checked first)', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 256);
    const w = new RingWritable(rb);
    rb.abort(5);
    const errored = once(w, 'error');
    w.write('late');
    const [e] = await errored;
    expect(e).toBeInstanceOf(BufferAbortedError);
    expect((e as BufferAbortedError).code).toBe(5);
    expect(rb.state).toBe('aborted');
  });

  test('batchBytes: RangeError outside 1 to 2^30, TypeError for a non-number, naming it', async () => {
    const rb = new RingBuf(await createEngine('js', { shared: true }), 256);
    expect(() => new RingWritable(rb, { batchBytes: 0 })).toThrow(/batchBytes must be an integer from 1 to 1073741824/);
    expect(() => new RingWritable(rb, { batchBytes: 1.5 })).toThrow(RangeError);
    expect(() => new RingWritable(rb, { batchBytes: '8' as unknown as number })).toThrow(TypeError);
    expect(rb.size).toBe(0);
  });
});

describe('backpressure and batching', () => {
  test('a stalled reader: write() returns false, drain follows, memory stays bounded, nothing lost', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 4096);
    const hwm = 16384;
    const w = new RingWritable(rb, { highWaterMark: hwm });
    const sent = [...chunks(3, 400_000, 1000)];
    let falses = 0,
      drains = 0,
      peak = 0;
    w.on('drain', () => drains++);
    const writing = (async () => {
      for (const c of sent) {
        const ok = w.write(c);
        peak = Math.max(peak, w.writableLength);
        if (!ok) {
          falses++;
          await once(w, 'drain');
        }
      }
      w.end();
    })();
    // The reader starts only after 200 ms: meanwhile the writer must stop.
    await new Promise((r) => setTimeout(r, 200));
    expect(falses).toBe(1);
    expect(rb.space).toBeLessThan(4); // full, but for less than the next character
    const got: Uint8Array[] = [];
    for await (const chunk of new RingReadable(rb)) got.push(chunk as Uint8Array);
    await writing;
    expect(drains).toBe(falses);
    // Bounded: Node's buffer stops one chunk (up to 1000 chars, 4 bytes each) past the high water mark.
    expect(peak).toBeLessThanOrEqual(hwm + 4000);
    expect(fnvOf(got)).toEqual(fnvOf(sent));
  });

  test('small writes in one turn are published together on the next turn; a full batch at once', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 65536);
    const w = new RingWritable(rb, { batchBytes: 4096 });
    for (let i = 0; i < 10; i++) w.write(new Uint8Array(100));
    expect(rb.size).toBe(0); // pending, not yet visible
    await new Promise((r) => setImmediate(r));
    expect(rb.size).toBe(1000);
    for (let i = 0; i < 41; i++) w.write(new Uint8Array(100));
    expect(rb.size).toBe(1000 + 4100); // the batch filled: published at once
    w.write('x');
    await new Promise((r) => setImmediate(r));
    expect(rb.size).toBe(5101);
  });

  test('strings and bytes into a full 64-byte ring: staged strings wait behind it, every byte once, in order, then the end', async () => {
    for (const kind of ['wasm', 'js'] as const) {
      const rb = new RingBuf(await createEngine(kind, { shared: true }), 64);
      const w = new RingWritable(rb, { batchBytes: 16 });
      const sent: (Uint8Array | string)[] = [];
      for (let i = 0; i < 300; i++) {
        sent.push(i % 3 === 2 ? new Uint8Array([i & 255, 7, (i * 5) & 255]) : `${i}:${'é€😀'.slice(0, 1 + (i % 4))};`);
      }
      const writing = (async () => {
        for (const c of sent) if (!w.write(c)) await once(w, 'drain');
        w.end();
      })();
      const got: Uint8Array[] = [];
      for await (const chunk of new RingReadable(rb)) got.push(chunk as Uint8Array);
      await writing;
      expect(fnvOf(got)).toEqual(fnvOf(sent));
      expect(rb.ended).toBe(true);
    }
  });

  test('short strings (staged) are published together on the next turn too; a full batch at once', async () => {
    const rb = new RingBuf(await createEngine('js', { shared: true }), 65536);
    const w = new RingWritable(rb, { batchBytes: 4096 });
    const line = `${'é'.repeat(50)}\n`; // 101 bytes
    for (let i = 0; i < 10; i++) w.write(line);
    expect(rb.size).toBe(0); // staged, not yet visible
    await new Promise((r) => setImmediate(r));
    expect(rb.size).toBe(1010);
    for (let i = 0; i < 40; i++) w.write(line);
    expect(rb.size).toBe(1010); // 4040 bytes pending: below the batch
    w.write(line);
    expect(rb.size).toBe(1010 + 4141); // the batch filled: published at once
    await new Promise((r) => setImmediate(r));
    expect(rb.size).toBe(5151);
  });

  test('_writev (cork/uncork) places the whole batch and publishes it once', async () => {
    const engine = await createEngine('js', { shared: true });
    const rb = new RingBuf(engine, 1024);
    const w = new RingWritable(rb);
    w.cork();
    w.write(new Uint8Array([1, 2]));
    w.write('é');
    w.write(new Uint8Array([3]));
    expect(rb.size).toBe(0);
    w.uncork();
    await new Promise((r) => process.nextTick(r));
    const out = new Uint8Array(8);
    expect(rb.get(out)).toBe(5);
    expect([...out.subarray(0, 5)]).toEqual([1, 2, 0xc3, 0xa9, 3]);
  });

  test('text across the wrap: 2-, 3- and 4-byte characters at every offset read back whole (setEncoding)', async () => {
    for (const kind of ['wasm', 'js'] as const) {
      const engine = await createEngine(kind, { shared: true });
      const rb = new RingBuf(engine, 61);
      const w = new RingWritable(rb);
      const input = new RingReadable(rb);
      input.setEncoding('utf8');
      const parts = ['é', '€', '😀'].flatMap((c) =>
        Array.from({ length: 40 }, (_, i) => 'x'.repeat(i % 7) + c.repeat(1 + (i % 5))),
      );
      const writing = (async () => {
        for (const p of parts) if (!w.write(p)) await once(w, 'drain');
        w.end();
      })();
      let text = '';
      for await (const s of input) text += s;
      await writing;
      expect(text).toBe(parts.join(''));
    }
  });
});

describe('RingReadable text', () => {
  test('setEncoding with bytes already buffered in the stream: the character split across them comes out whole (Node keeps decoding)', async () => {
    for (const kind of ['wasm', 'js'] as const) {
      const engine = await createEngine(kind, { shared: true });
      const rb = new RingBuf(engine, 64);
      const input = new RingReadable(rb);
      rb.write(new Uint8Array([0x61, 0xe2])); // 'a' and the first byte of '€'
      rb.flush();
      await once(input, 'readable'); // pushed as a Buffer, not read yet
      input.setEncoding('utf8'); // Node decodes the buffered bytes and holds 0xe2
      rb.write(new Uint8Array([0x82, 0xac, 0x62, 0xf0, 0x9f])); // the rest of '€', 'b', half of '😀'
      rb.close();
      let text = '';
      for await (const s of input) text += s;
      expect(text).toBe('a€b\ufffd');
    }
  });

  test('setEncoding before reading: text decoded in place ends with U+FFFD for an incomplete last character', async () => {
    for (const kind of ['wasm', 'js'] as const) {
      const engine = await createEngine(kind, { shared: true });
      const rb = new RingBuf(engine, 64);
      const input = new RingReadable(rb);
      input.setEncoding('utf8');
      rb.write(new Uint8Array([0x68, 0xc3, 0xa9, 0xe2, 0x82]));
      rb.close();
      let text = '';
      for await (const s of input) text += s;
      expect(text).toBe('h\u00e9\ufffd');
    }
  });
});

describe('messages over MpscPbuf', () => {
  test('text messages, ASCII or not, at every alignment, come back exactly; bytes stay bytes (both engines)', async () => {
    for (const kind of ['wasm', 'js'] as const) {
      const pb = new MpscPbuf(await createEngine(kind, { shared: true }), 4096);
      const out = new MessageWritable(pb, { end: 'buffer' });
      const sent: (string | Uint8Array)[] = ['', 'a', 'é', '😀'];
      for (let n = 1; n < 40; n++) sent.push('x'.repeat(n), `${'y'.repeat(n)}€`, `ß${'z'.repeat(n)}`);
      sent.push('k'.repeat(1000), new Uint8Array([0xc3, 0xa9, 0x41]));
      const reading = (async () => {
        const got: (string | Uint8Array)[] = [];
        for await (const m of new MessageReadable(pb)) got.push(m as string | Uint8Array);
        return got;
      })();
      for (const m of sent) if (!out.write(m)) await once(out, 'drain');
      out.end();
      const got = await reading;
      expect(got.map((m) => (typeof m === 'string' ? m : [...m]))).toEqual(
        sent.map((m) => (typeof m === 'string' ? m : [...m])),
      );
    }
  });

  test('three producer threads (both engines), one reader: every message once, in order per producer', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const pb = new MpscPbuf(engine, 512);
    const count = 3000;
    const kinds = ['wasm', 'js', 'wasm'] as const;
    const producers = kinds.map((kind, id) =>
      role({ role: 'messages', kind, module: engine.module, descriptor: pb.descriptor, id, count }),
    );
    const next = [0, 0, 0];
    for await (const m of new MessageReadable(pb, { producers: 3 })) {
      const text = typeof m === 'string' ? m : new TextDecoder().decode(m as Uint8Array);
      const [id, i] = text.split(':').map(Number);
      expect(typeof m === 'string').toBe(i % 2 === 0);
      expect(i).toBe(next[id]);
      expect(text).toBe(`${id}:${i}:${'ü'.repeat(i % 50)}`);
      next[id]++;
    }
    await Promise.all(producers);
    expect(next).toEqual([count, count, count]);
  });

  test("end: 'buffer' closes the whole buffer: a reader without a producer count ends", async () => {
    const engine = await createEngine('js', { shared: true });
    const pb = new MpscPbuf(engine, 256);
    const producer = role({
      role: 'messages',
      kind: 'wasm',
      module: engine.module,
      descriptor: pb.descriptor,
      id: 0,
      count: 500,
      end: 'buffer',
    });
    let n = 0;
    for await (const _ of new MessageReadable(pb)) n++;
    await producer;
    expect(n).toBe(500);
    expect(pb.state).toBe('closed');
  });

  test('a message larger than the buffer can hold: RangeError naming size and limit, nothing written; wrong type: TypeError', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const pb = new MpscPbuf(engine, 64);
    const w = new MessageWritable(pb);
    const limit = maxMessageBytes(pb);
    expect(limit).toBe(62 * 4);
    expect(() => w.write(new Uint8Array(limit + 1))).toThrow(
      new RangeError(
        `a message of ${limit + 1} bytes cannot fit: this MpscPbuf of 64 words holds messages of at most ${limit} bytes`,
      ),
    );
    expect(() => w.write('€'.repeat(83))).toThrow(RangeError); // 249 bytes
    expect(() => w.write(7)).toThrow(TypeError);
    expect(() => w.write(null)).toThrow(TypeError);
    expect(pb.utilization).toBe(0);
    w.write(new Uint8Array(limit)); // the largest fits
    w.write('ok');
    w.end();
    const got = [];
    for await (const m of new MessageReadable(pb, { producers: 1 })) got.push(m);
    expect(got.map((m) => (typeof m === 'string' ? m : (m as Uint8Array).length))).toEqual([limit, 'ok']);
  });

  test('a reader destroyed early aborts the buffer: a blocked producer fails with BufferAbortedError', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const pb = new MpscPbuf(engine, 64);
    const w = new MessageWritable(pb);
    const failed = once(w, 'error');
    const r = new MessageReadable(pb);
    for (let i = 0; i < 40; i++) w.write(`message ${i}`);
    r.destroy();
    const [e] = await failed;
    expect(e).toBeInstanceOf(BufferAbortedError);
    expect(pb.abortCode).toBe(ABORT_CANCELLED);
  });
});

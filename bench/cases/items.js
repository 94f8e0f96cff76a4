// ItemRingBuf cases, shaped like Zephyr's native bench (c) (bench/README.md): a 16384-word
// item buffer kept half full, so offsets keep wrapping and payloads cross
// the end of storage; one operation is one item_put plus one item_get, the
// get with room for 255 words. Batched cases move the same items 64 at a
// time: one operation is still one item, so ops/s compare with single calls.
//
// Peers: ringbuf.js as an element ring of Uint32 words (the record pushed as
// header + payload, popped as header then payload), and denque / mnemonist's
// CircularBuffer holding one JS object { type, value, data } per item (the
// JS-object view: no copy in, the payload copied out by the consumer).
//
// Memory: WRB_BENCH_MEMORY=shared|unshared (run.js sets it; default shared).

import Denque from 'denque';
import { CircularBuffer } from 'mnemonist';
import { RingBuffer } from 'ringbuf.js';
import { createEngine, ItemRingBuf } from '../../dist/bindings/index.js';
import { internals } from '../../test/util/internals.js';

const WORDS = 16384;
const SIZES = [0, 1, 4, 32];
const BATCH = 64;
const SHARED = (process.env.WRB_BENCH_MEMORY ?? 'shared') === 'shared';
const header = (type, value, words) => (type | (words << 16) | (value << 24)) >>> 0;

/** A payload with a recognisable pattern. */
function payload(words) {
  return Uint32Array.from({ length: words }, (_, i) => i * 7 + 1);
}

/** An ItemRingBuf filled to half its capacity with `words`-word items. */
async function ours(kind, words) {
  const engine = await createEngine(kind, { shared: SHARED });
  const rb = new ItemRingBuf(engine, WORDS);
  const data = payload(words);
  while (rb.size + 1 + words <= WORDS / 2) rb.put(1, 2, data);
  return rb;
}

/** put + get of one item; data and destination are foreign arrays, or views of the engine's memory. */
async function single(kind, words, inMemory) {
  const rb = await ours(kind, words);
  let src = payload(words);
  let dst = new Uint32Array(255);
  if (inMemory) {
    const at = internals(rb.engine).alloc(4 * (words + 255), 'bench arrays');
    const view = new Uint32Array(rb.engine.memory.buffer, at, words + 255);
    view.set(src);
    src = view.subarray(0, words);
    dst = view.subarray(words);
  }
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (words > 0) src[0] = i;
      rb.put(i & 0xffff, 2, src);
      sum = (sum + rb.get(dst) + rb.itemType + dst[0]) | 0;
    }
    return sum;
  };
}

/** `count` records of `words` payload words, in storage format. */
function records(words, count) {
  const out = new Uint32Array(count * (1 + words));
  for (let k = 0; k < count; k++) {
    out[k * (1 + words)] = header(k, 2, words);
    out.set(payload(words), k * (1 + words) + 1);
  }
  return out;
}

/**
 * Batches of up to 64 items: `put(records, length)` then `get(dst, length)`.
 * With `memory` (an engine's), records and destination are views of it.
 */
function batchStep(ring, words, put, get, memory) {
  let recs = records(words, BATCH);
  let dst = new Uint32Array(recs.length);
  if (memory !== undefined) {
    const at = ring.engine.alloc(8 * recs.length, 'bench batches');
    const view = new Uint32Array(memory.buffer, at, 2 * recs.length);
    view.set(recs);
    recs = view.subarray(0, recs.length);
    dst = view.subarray(recs.length);
  }
  const per = 1 + words;
  return (n) => {
    let sum = 0;
    for (let done = 0; done < n; done += BATCH) {
      const len = Math.min(BATCH, n - done) * per;
      // A fresh value in each batch: the type of the first item, or its last payload word.
      if (words === 0) recs[0] = header(done & 0xffff, 2, 0);
      else recs[per - 1] = done;
      put(ring, recs, len);
      sum = (sum + get(ring, dst, len) + dst[per - 1]) | 0;
    }
    return sum;
  };
}

/** ringbuf.js over Uint32 words, half full like ours. */
function peerRing(words) {
  const rb = new RingBuffer(RingBuffer.getStorageForCapacity(WORDS, Uint32Array), Uint32Array);
  const rec = records(words, 1);
  while (rb.availableRead() + rec.length <= WORDS / 2) rb.push(rec);
  return rb;
}

/** Item put/get on ringbuf.js: all or nothing by checking the free words first, as Zephyr does. */
function peerSingle(words) {
  const rb = peerRing(words);
  const rec = records(words, 1);
  const head = new Uint32Array(1);
  const dst = new Uint32Array(255);
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      rec[0] = header(i & 0xffff, 2, words);
      if (rb.availableWrite() >= rec.length) rb.push(rec);
      if (rb.pop(head, 1) === 1) {
        const len = (head[0] >>> 16) & 0xff;
        rb.pop(dst, len);
        sum = (sum + len + (head[0] & 0xffff) + dst[0]) | 0;
      }
    }
    return sum;
  };
}

/** A JS-object queue (denque or CircularBuffer): push { type, value, data }, shift and copy the data out. */
function objectSingle(queue, words, push, shift) {
  const data = payload(words);
  for (let k = 0; k < WORDS / 2 / (1 + words); k++) push(queue, { type: 1, value: 2, data });
  const dst = new Uint32Array(255);
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      push(queue, { type: i & 0xffff, value: 2, data });
      const item = shift(queue);
      const d = item.data;
      for (let j = 0; j < d.length; j++) dst[j] = d[j];
      sum = (sum + d.length + item.type + dst[0]) | 0;
    }
    return sum;
  };
}

const cases = [];
for (const words of SIZES) {
  cases.push({
    id: `items.${words}`,
    size: words,
    bytesPerOp: 4 * words,
    title: `item put + get, ${words}-word payload (foreign Uint32Array in and out)`,
    notes: {
      'ringbuf.js': 'element ring of Uint32: push of the record, pop of the header then the payload',
      denque: 'one { type, value, data } object per item; the consumer copies data out',
      mnemonist: 'CircularBuffer of { type, value, data } objects; the consumer copies data out',
    },
    impls: {
      wasm: async () => single('wasm', words, false),
      js: async () => single('js', words, false),
      'ringbuf.js': async () => peerSingle(words),
      denque: async () =>
        objectSingle(
          new Denque(),
          words,
          (q, o) => q.push(o),
          (q) => q.shift(),
        ),
      mnemonist: async () =>
        objectSingle(
          new CircularBuffer(Array, WORDS),
          words,
          (q, o) => q.push(o),
          (q) => q.shift(),
        ),
    },
  });
}
for (const words of SIZES) {
  cases.push({
    id: `items.mem.${words}`,
    size: words,
    bytesPerOp: 4 * words,
    title: `item put + get, ${words}-word payload, data and destination in the engine's memory`,
    impls: {
      wasm: async () => single('wasm', words, true),
      js: async () => single('js', words, true),
    },
  });
}
for (const words of SIZES) {
  cases.push({
    id: `items.batch.${words}`,
    size: words,
    bytesPerOp: 4 * words,
    title: `items in batches of ${BATCH}, ${words}-word payloads (putBatch + getBatch, foreign arrays); one op = one item`,
    notes: { 'ringbuf.js': 'push + pop of the whole batch of records as Uint32 elements' },
    impls: {
      wasm: async () =>
        batchStep(
          await ours('wasm', words),
          words,
          (r, a, len) => r.putBatch(a, 0, len),
          (r, d, len) => r.getBatch(d, 0, len),
        ),
      js: async () =>
        batchStep(
          await ours('js', words),
          words,
          (r, a, len) => r.putBatch(a, 0, len),
          (r, d, len) => r.getBatch(d, 0, len),
        ),
      'ringbuf.js': async () =>
        batchStep(
          peerRing(words),
          words,
          (r, a, len) => r.push(a, len),
          (r, d, len) => r.pop(d, len),
        ),
    },
  });
}

for (const words of SIZES) {
  cases.push({
    id: `items.batch.mem.${words}`,
    size: words,
    bytesPerOp: 4 * words,
    title: `items in batches of ${BATCH}, ${words}-word payloads, records and destination in the engine's memory; one op = one item`,
    impls: {
      wasm: async () => {
        const rb = await ours('wasm', words);
        return batchStep(
          rb,
          words,
          (r, a, len) => r.putBatch(a, 0, len),
          (r, d, len) => r.getBatch(d, 0, len),
          rb.engine.memory,
        );
      },
      js: async () => {
        const rb = await ours('js', words);
        return batchStep(
          rb,
          words,
          (r, a, len) => r.putBatch(a, 0, len),
          (r, d, len) => r.getBatch(d, 0, len),
          rb.engine.memory,
        );
      },
    },
  });
}

export default cases;

// Byte-mode cases: a 64 KiB ring kept half full (32 KiB pre-filled), so the
// offsets keep wrapping and every size crosses the end of storage now and
// then, as in Zephyr's native bench (a) and (b), bench/README.md. One operation is one chunk
// in and the same chunk out.
//
// Memory: WRB_BENCH_MEMORY=shared|unshared (run.js sets it; default shared,
// see README.md). The typedarray-set ring uses the same kind of buffer;
// ringbuf.js always lives in a SharedArrayBuffer.

import { RingBuffer } from 'ringbuf.js';
import { createEngine, RingBuf } from '../../dist/bindings/index.js';
import { internals } from '../../test/util/internals.js';

const RING = 65536;
const SIZES = [16, 256, 4096];
const SHARED = (process.env.WRB_BENCH_MEMORY ?? 'shared') === 'shared';

/** A chunk with a recognisable pattern, in ordinary (foreign) JS memory. */
function chunk(size) {
  const a = new Uint8Array(size);
  for (let i = 0; i < size; i++) a[i] = (i * 7 + 1) & 255;
  return a;
}

async function ourRing(kind) {
  const engine = await createEngine(kind, { shared: SHARED });
  const rb = new RingBuf(engine, RING);
  rb.put(new Uint8Array(RING / 2));
  return rb;
}

function peerRing() {
  const rb = new RingBuffer(RingBuffer.getStorageForCapacity(RING, Uint8Array), Uint8Array);
  rb.push(new Uint8Array(RING / 2));
  return rb;
}

/**
 * The plain-JavaScript ceiling: a ring over one Uint8Array that copies with
 * TypedArray.set (through a subarray for a piece of the chunk), or a loop for
 * pieces of at most 64 bytes where a subarray costs more than the loop.
 * Single-threaded: no atomics, no claim API.
 */
class SetRing {
  constructor(capacity) {
    this.buf = new Uint8Array(SHARED ? new SharedArrayBuffer(capacity) : new ArrayBuffer(capacity));
    this.cap = capacity;
    this.head = 0; // total bytes written
    this.tail = 0; // total bytes read
  }

  put(src) {
    const n = Math.min(src.length, this.cap - (this.head - this.tail));
    const off = this.head % this.cap;
    const first = Math.min(n, this.cap - off);
    if (first === src.length) this.buf.set(src, off);
    else {
      copy(this.buf, off, src, 0, first);
      copy(this.buf, 0, src, first, n - first);
    }
    this.head += n;
    return n;
  }

  get(dst) {
    const n = Math.min(dst.length, this.head - this.tail);
    readOut(this.buf, this.cap, this.tail % this.cap, dst, n);
    this.tail += n;
    return n;
  }
}

/**
 * The same ring made thread-safe as ours is, for one producer and one
 * consumer: storage and indices in a SharedArrayBuffer (whatever
 * WRB_BENCH_MEMORY says), each side publishing its index with one
 * Atomics.store and reading the other's with Atomics.load only when its
 * cached copy is short, as our claims do. Against SetRing it isolates the
 * cost of thread safety.
 */
class AtomicSetRing {
  constructor(capacity) {
    this.buf = new Uint8Array(new SharedArrayBuffer(capacity));
    // Word 0: bytes written (the producer's), word 16: bytes read (the consumer's), a line apart.
    this.idx = new Uint32Array(new SharedArrayBuffer(128));
    this.cap = capacity;
    this.head = 0; // the producer's copy of word 0
    this.tailSeen = 0; // the producer's cached copy of word 16
    this.tail = 0; // the consumer's copy of word 16
    this.headSeen = 0; // the consumer's cached copy of word 0
  }

  put(src) {
    let free = this.cap - ((this.head - this.tailSeen) >>> 0);
    if (free < src.length) {
      this.tailSeen = Atomics.load(this.idx, 16);
      free = this.cap - ((this.head - this.tailSeen) >>> 0);
    }
    const n = Math.min(src.length, free);
    // SetRing.put's copy, written out again: a helper shared by both puts slows this peer (bench/README.md).
    const off = this.head % this.cap;
    const first = Math.min(n, this.cap - off);
    if (first === src.length) this.buf.set(src, off);
    else {
      copy(this.buf, off, src, 0, first);
      copy(this.buf, 0, src, first, n - first);
    }
    this.head = (this.head + n) >>> 0;
    Atomics.store(this.idx, 0, this.head);
    return n;
  }

  get(dst) {
    let avail = (this.headSeen - this.tail) >>> 0;
    if (avail < dst.length) {
      this.headSeen = Atomics.load(this.idx, 0);
      avail = (this.headSeen - this.tail) >>> 0;
    }
    const n = Math.min(dst.length, avail);
    readOut(this.buf, this.cap, this.tail % this.cap, dst, n);
    this.tail = (this.tail + n) >>> 0;
    Atomics.store(this.idx, 16, this.tail);
    return n;
  }
}

/**
 * Both peer rings' read: `n` bytes from `buf` (a ring of `cap` bytes) at
 * `off` into `dst`, in two pieces across the end, each by TypedArray.set
 * through a subarray, or by a loop for pieces of at most 64 bytes, where a
 * subarray costs more than the loop.
 */
function readOut(buf, cap, off, dst, n) {
  const first = Math.min(n, cap - off);
  if (first > 64) dst.set(buf.subarray(off, off + first));
  else for (let i = 0; i < first; i++) dst[i] = buf[off + i];
  const rest = n - first;
  if (rest > 64) dst.set(buf.subarray(0, rest), first);
  else for (let i = 0; i < rest; i++) dst[first + i] = buf[i];
}

function copy(to, at, src, from, n) {
  if (n > 64) to.set(src.subarray(from, from + n), at);
  else for (let i = 0; i < n; i++) to[at + i] = src[from + i];
}

/**
 * Writes `n` bytes of value `v` in place, as a producer filling a claimed
 * region would: element stores for small pieces, TypedArray.fill (a native
 * memset) beyond 64 B, where it wins.
 */
function fillPiece(storage, v, off, n) {
  if (n > 64) storage.fill(v, off, off + n);
  else for (let k = 0; k < n; k++) storage[off + k] = v;
}

/** put + get of one chunk through anything with put/get or push/pop. */
function copyStep(ring, size, put, get, src = chunk(size), dst = new Uint8Array(size)) {
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      src[0] = i;
      put(ring, src);
      get(ring, dst);
      sum = (sum + dst[0] + dst[size - 1]) | 0;
    }
    return sum;
  };
}

const ourPut = (rb, src) => rb.put(src);
const ourGet = (rb, dst) => rb.get(dst);
const peerPush = (rb, src) => rb.push(src);
const peerPop = (rb, dst) => rb.pop(dst);

/**
 * The zero-copy cycle on our RingBuf: claim (twice when the chunk crosses the
 * end), fill the granted bytes in place (fillPiece), finish; then claim the
 * same amount for reading, read the first and last byte of each piece in
 * place, finish. `storage` is one long-lived view. With `touch` false only
 * the bookkeeping runs (claim + finish on both sides, no data).
 */
function claimStep(rb, size, touch) {
  const storage = rb.storage;
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let left = size;
      while (left > 0) {
        const g = rb.putClaim(left);
        if (touch) {
          fillPiece(storage, i & 255, rb.putOffset, g);
        }
        left -= g;
      }
      rb.putFinish(size);
      left = size;
      while (left > 0) {
        const g = rb.getClaim(left);
        if (touch) {
          const off = rb.getOffset;
          sum = (sum + storage[off] + storage[off + g - 1]) | 0;
        }
        left -= g;
      }
      rb.getFinish(size);
    }
    return sum;
  };
}

/**
 * ringbuf.js's nearest equivalent: writeCallbackWithOffset fills its two
 * regions in place; it has no zero-copy read, so the read side is pop().
 */
function peerClaimStep(rb, size) {
  const dst = new Uint8Array(size);
  let value = 0;
  const fill = (storage, off1, n1, off2, n2) => {
    fillPiece(storage, value, off1, n1);
    fillPiece(storage, value, off2, n2);
    return n1 + n2;
  };
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      value = i & 255;
      rb.writeCallbackWithOffset(size, fill);
      rb.pop(dst);
      sum = (sum + dst[0] + dst[size - 1]) | 0;
    }
    return sum;
  };
}

/**
 * Source and destination inside the engine's memory: put and get take the
 * same-memory path (one core call each, memory.copy in wasm, copyWithin in the js twin).
 */
async function sameMemoryStep(kind, size) {
  const rb = await ourRing(kind);
  const at = internals(rb.engine).alloc(2 * size, 'bench chunks');
  const src = new Uint8Array(rb.engine.memory.buffer, at, size);
  const dst = new Uint8Array(rb.engine.memory.buffer, at + size, size);
  src.set(chunk(size));
  return copyStep(rb, size, ourPut, ourGet, src, dst);
}

const cases = [];
for (const size of SIZES) {
  cases.push({
    id: `bytes.copy.${size}`,
    size,
    bytesPerOp: size,
    title: `put + get of a ${size} B chunk (foreign Uint8Array in and out)`,
    notes: {
      'typedarray-set': 'a plain-JS ring for one thread (no atomics): the JavaScript ceiling, not a peer',
      'typedarray-atomics':
        'the same ring on a SharedArrayBuffer, publishing with Atomics as ours does: its thread-safe ceiling',
    },
    impls: {
      wasm: async () => copyStep(await ourRing('wasm'), size, ourPut, ourGet),
      js: async () => copyStep(await ourRing('js'), size, ourPut, ourGet),
      'ringbuf.js': async () => copyStep(peerRing(), size, peerPush, peerPop),
      'typedarray-set': async () =>
        copyStep(
          new SetRing(RING),
          size,
          (r, s) => r.put(s),
          (r, d) => r.get(d),
        ),
      'typedarray-atomics': async () =>
        copyStep(
          new AtomicSetRing(RING),
          size,
          (r, s) => r.put(s),
          (r, d) => r.get(d),
        ),
    },
  });
}
for (const size of SIZES) {
  cases.push({
    id: `bytes.claim.${size}`,
    size,
    bytesPerOp: size,
    title: `claim, fill in place, finish; claim, read in place, finish (${size} B)`,
    notes: { 'ringbuf.js': 'writeCallbackWithOffset + pop: it has no zero-copy read' },
    impls: {
      wasm: async () => claimStep(await ourRing('wasm'), size, true),
      js: async () => claimStep(await ourRing('js'), size, true),
      'ringbuf.js': async () => peerClaimStep(peerRing(), size),
    },
  });
}
cases.push({
  id: 'bytes.claimonly.16',
  size: 16,
  bytesPerOp: 16,
  title: 'claim + finish on both sides, no data touched (Zephyr native: ~13 ns)',
  impls: {
    wasm: async () => claimStep(await ourRing('wasm'), 16, false),
    js: async () => claimStep(await ourRing('js'), 16, false),
  },
});
for (const size of SIZES) {
  cases.push({
    id: `bytes.inmem.${size}`,
    size,
    bytesPerOp: size,
    title: `put + get of a ${size} B chunk that lives in the engine's memory (one core call each)`,
    impls: {
      wasm: () => sameMemoryStep('wasm', size),
      js: () => sameMemoryStep('js', size),
    },
  });
}

export default cases;

// The roles a stress-test thread can play, as plain functions of one message.
// Only web-standard APIs here (no node: import), so the same functions run
// in Node's worker_threads (node.js) and in a browser's Web Workers: a
// thread receives { role, kind, module, descriptor, ... }, runs
// `run(data)`, and posts back what it returns.
//
// A role that the test must know to have started calls `data.ready()`.
// Every role checks what it receives and throws on the first mismatch; every
// wait has a bound (`waitMs`), so a stalled peer ends the role with an error
// instead of hanging the test.
import {
  BufferAbortedError,
  BufferClosedError,
  createEngine,
  ItemRingBuf,
  MpscPbuf,
  RingBuf,
  SideOwnedError,
} from '../../dist/bindings/index.js';
import { releaseSides } from '../util/internals.js';

/** mulberry32: the same generator as test/util/prng.ts, for seeded choices in a thread. */
export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** FNV-1a over bytes[from, to). */
export function fnv(bytes, from, to) {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/**
 * Fills the frame of sequence number `seq` into `out` and returns its length:
 * [seq u32][len u32][len payload bytes][fnv u32], little-endian. The payload
 * is derived from seq, so the reader can also check it byte by byte.
 */
export function writeFrame(out, seq, len) {
  const dv = new DataView(out.buffer, out.byteOffset);
  dv.setUint32(0, seq, true);
  dv.setUint32(4, len, true);
  let x = Math.imul(seq, 0x9e3779b1) | 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[8 + i] = x;
  }
  dv.setUint32(8 + len, fnv(out, 8, 8 + len), true);
  return len + 12;
}

/** Largest payload of a stress frame: frames straddle a 4 KiB ring's end often. */
export const MAX_PAYLOAD = 1500;

/**
 * Waits through `wait` (a bound waitForData/waitForSpace) and fails unless a
 * wake-up ended it: the peer streams all the time, so a wait that lasts its
 * whole `waitMs` means a lost wake-up or a stalled peer.
 */
function wake(rb, wait, data, what) {
  const t0 = performance.now();
  wait.call(rb, data.waitMs);
  if (performance.now() - t0 >= data.waitMs) throw new Error(`${what}: not woken within ${data.waitMs} ms`);
}

async function engineFor(data) {
  return createEngine(data.kind, { memory: data.descriptor.memory, module: data.module });
}

/**
 * Byte-stream producer: writes frames 0, 1, … until `total` bytes went out,
 * each through put(), through putClaim()/putFinish() in place, or through
 * write() with a flush() after some frames only (so that published batches
 * end mid-frame and a put or finish must publish pending writes first), and
 * sleeps in waitForSpace() whenever the ring is full.
 */
async function bytesProducer(data) {
  const rb = RingBuf.attach(await engineFor(data), data.descriptor);
  const result = produceFrames(rb, data);
  // Done with the ring: its producer side goes back (what free() does), for the main thread to use.
  releaseSides(rb);
  return result;
}

/** bytesProducer's stream, through `rb`; returns what it sent. */
function produceFrames(rb, data) {
  const rand = prng(data.seed);
  const frame = new Uint8Array(MAX_PAYLOAD + 12);
  let sent = 0,
    seq = 0,
    waits = 0;
  while (sent < data.total) {
    const n = writeFrame(frame, seq, rand() % (MAX_PAYLOAD + 1));
    const how = rand() % 3;
    let done = 0;
    while (done < n) {
      let w;
      if (how === 0) {
        w = rb.put(frame, done, n);
      } else if (how === 1) {
        w = rb.putClaim(n - done);
        rb.storage.set(frame.subarray(done, done + w), rb.putOffset);
        rb.putFinish(w);
      } else {
        w = rb.write(frame, done, n);
      }
      done += w;
      if (w === 0) {
        waits++;
        wake(rb, rb.waitForSpace, data, `producer at frame ${seq}`);
      }
    }
    if (how === 2 && (rand() & 3) === 0) rb.flush();
    sent += n;
    seq++;
  }
  rb.flush();
  return { frames: seq, bytes: sent, waits };
}

/** Reads exactly `n` bytes into dst[at..], by get() or by getClaim() in place, waiting when empty. */
function readExact(rb, dst, at, n, inPlace, data, waits) {
  let done = 0;
  while (done < n) {
    let g;
    if (inPlace) {
      g = rb.getClaim(n - done);
      const off = rb.getOffset;
      dst.set(rb.storage.subarray(off, off + g), at + done);
      rb.getFinish(g);
    } else {
      g = rb.get(dst, at + done, at + n);
    }
    done += g;
    if (g === 0) {
      waits.n++;
      wake(rb, rb.waitForData, data, 'consumer');
    }
  }
}

/**
 * Byte-stream consumer: reads frames until `total` bytes came in and checks
 * each one's sequence number, length, checksum and every payload byte.
 * With `grow`, it also places a 64 KiB RingBuf in the shared memory every
 * `grow` frames, growing the memory under the producer's feet, and returns
 * their addresses so that the main thread can attach them.
 */
async function bytesConsumer(data) {
  const engine = await engineFor(data);
  const rb = RingBuf.attach(engine, data.descriptor);
  const rand = prng(data.seed ^ 0x5eed);
  const frame = new Uint8Array(MAX_PAYLOAD + 12);
  const expect = new Uint8Array(MAX_PAYLOAD + 12);
  const dv = new DataView(frame.buffer);
  const waits = { n: 0 };
  const grown = [];
  let got = 0,
    seq = 0;
  while (got < data.total) {
    readExact(rb, frame, 0, 8, (rand() & 1) === 1, data, waits);
    const s = dv.getUint32(0, true),
      len = dv.getUint32(4, true);
    if (s !== seq) throw new Error(`consumer: frame ${seq} expected, got sequence number ${s}`);
    if (len > MAX_PAYLOAD) throw new Error(`consumer: frame ${seq} has length ${len}`);
    readExact(rb, frame, 8, len + 4, (rand() & 1) === 1, data, waits);
    if (dv.getUint32(8 + len, true) !== fnv(frame, 8, 8 + len))
      throw new Error(`consumer: frame ${seq} checksum mismatch`);
    writeFrame(expect, seq, len);
    for (let i = 8; i < 8 + len; i++) {
      if (frame[i] !== expect[i])
        throw new Error(`consumer: frame ${seq} byte ${i - 8} is ${frame[i]}, expected ${expect[i]}`);
    }
    got += len + 12;
    seq++;
    if (data.grow && seq % data.grow === 0) {
      const before = engine.memory.buffer.byteLength;
      const { address, generation } = new RingBuf(engine, 65536).descriptor;
      grown.push({ address, generation, grew: engine.memory.buffer.byteLength > before });
    }
  }
  releaseSides(rb); // as the producer's
  return { frames: seq, bytes: got, waits: waits.n, grown };
}

/** Sleeps `ms` in a worker without spinning (workers may block). */
function nap(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** After `delayMs`, puts `bytes` bytes of value 7: wakes a consumer waiting for data. */
async function delayedPut(data) {
  const rb = RingBuf.attach(await engineFor(data), data.descriptor);
  data.ready();
  nap(data.delayMs);
  return { put: rb.put(new Uint8Array(data.bytes).fill(7)) };
}

/** After `delayMs`, discards `bytes` bytes: wakes a producer waiting for space. */
async function delayedGet(data) {
  const rb = RingBuf.attach(await engineFor(data), data.descriptor);
  data.ready();
  nap(data.delayMs);
  return { got: rb.discard(data.bytes) };
}

/**
 * The payload of item `seq` with `n` words: [seq, x1 … x(n-2), fnv of the
 * words before it], its type and value are seq's low 16 and next 8 bits.
 */
function fillItem(out, at, seq, n) {
  out[at] = seq;
  let x = Math.imul(seq, 0x9e3779b1) | 1,
    h = 0x811c9dc5 ^ seq;
  for (let i = 1; i < n - 1; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[at + i] = x;
    h = Math.imul(h ^ x, 0x01000193);
  }
  out[at + n - 1] = h;
}

/** Checks item `seq` as the consumer got it; throws on the first difference. */
function checkItem(got, at, seq, n, type, value, expect) {
  if (type !== (seq & 0xffff) || value !== ((seq >>> 16) & 0xff)) {
    throw new Error(`consumer: item ${seq} has type ${type} value ${value}`);
  }
  if (n < 2) throw new Error(`consumer: item ${seq} has ${n} words`);
  fillItem(expect, 0, seq, n);
  for (let i = 0; i < n; i++) {
    if (got[at + i] !== expect[i])
      throw new Error(`consumer: item ${seq} word ${i} is ${got[at + i]}, expected ${expect[i]}`);
  }
}

/**
 * Item producer: items 0 to `items`-1 of 2 to 255 payload words, one by one
 * through put() or several at a time through putBatch(); sleeps in
 * waitForSpace() when full. (A count, not bytes, ends both sides: a batch
 * may reach the consumer in pieces.)
 */
async function itemsProducer(data) {
  const rb = ItemRingBuf.attach(await engineFor(data), data.descriptor);
  const rand = prng(data.seed);
  const one = new Uint32Array(255);
  const batch = new Uint32Array(8 * 256);
  let sent = 0,
    seq = 0,
    waits = 0;
  while (seq < data.items) {
    if ((rand() & 3) !== 0) {
      const n = 2 + (rand() % 254);
      fillItem(one, 0, seq, n);
      while (rb.put(seq & 0xffff, (seq >>> 16) & 0xff, one, 0, n) !== 0) {
        waits++;
        wake(rb, (ms) => rb.waitForSpace(ms, 1 + n), data, `producer at item ${seq}`);
      }
      sent += 4 * (1 + n);
      seq++;
      continue;
    }
    let end = 0;
    const first = seq;
    for (let k = Math.min(1 + (rand() % 8), data.items - seq); k > 0; k--, seq++) {
      const n = 2 + (rand() % 254);
      batch[end] = ItemRingBuf.header(seq & 0xffff, (seq >>> 16) & 0xff, n);
      fillItem(batch, end + 1, seq, n);
      end += 1 + n;
    }
    let done = 0;
    while (done < end) {
      const w = rb.putBatch(batch, done, end);
      done += w;
      if (done < end) {
        waits++;
        wake(
          rb,
          (ms) => rb.waitForSpace(ms, 1 + ItemRingBuf.headerWords(batch[done])),
          data,
          `producer at batch ${first}`,
        );
      }
    }
    sent += 4 * end;
  }
  return { items: seq, bytes: sent, waits };
}

/** Item consumer: get() and getBatch() in turn, checking every item's type, value, length, words and order. */
async function itemsConsumer(data) {
  const rb = ItemRingBuf.attach(await engineFor(data), data.descriptor);
  const rand = prng(data.seed ^ 0x5eed);
  const out = new Uint32Array(255);
  const batch = new Uint32Array(4096);
  const expect = new Uint32Array(255);
  let got = 0,
    seq = 0,
    waits = 0;
  while (seq < data.items) {
    if ((rand() & 1) === 0) {
      const n = rb.get(out);
      if (n === ItemRingBuf.EAGAIN) {
        waits++;
        wake(rb, (ms) => rb.waitForData(ms), data, 'consumer');
        continue;
      }
      if (n !== rb.itemWords) throw new Error(`consumer: get returned ${n}, itemWords ${rb.itemWords}`);
      checkItem(out, 0, seq, n, rb.itemType, rb.itemValue, expect);
      got += 4 * (1 + n);
      seq++;
      continue;
    }
    const w = rb.getBatch(batch, 0, 256 + (rand() % (batch.length - 256)));
    if (w < 0) throw new Error(`consumer: getBatch returned ${w}`);
    if (w === 0) {
      waits++;
      wake(rb, (ms) => rb.waitForData(ms), data, 'consumer');
      continue;
    }
    for (let at = 0; at < w; seq++) {
      const h = batch[at],
        n = ItemRingBuf.headerWords(h);
      if (at + 1 + n > w) throw new Error(`consumer: batch cut item ${seq}`);
      checkItem(batch, at + 1, seq, n, ItemRingBuf.headerType(h), ItemRingBuf.headerValue(h), expect);
      at += 1 + n;
    }
    got += 4 * w;
  }
  return { items: seq, bytes: got, waits };
}

// ── MpscPbuf ─────────────────────────────────────────────────────────────
// Buffers are made with lengthBits 9: a header is valid (bit 0), busy (1),
// length (2..10), producer id (11..13: up to 8 producers) and sequence number
// (14..31: up to 262143), so
// every packet, even a 1-word putWord, says whose it is and where it goes.

/** Word `i` (1 ≤ i < wlen) of packet (id, seq): the last one is a checksum of the others. */
function packetWord(id, seq, wlen, i) {
  const x = Math.imul(seq + 1, 0x9e3779b1) ^ Math.imul(id + 1, 0x85ebca6b) ^ wlen;
  if (i < wlen - 1 || wlen === 2) return Math.imul(x ^ i, 0xc2b2ae35) >>> 0;
  let h = 0x811c9dc5;
  for (let j = 1; j < wlen - 1; j++) h = Math.imul(h ^ packetWord(id, seq, wlen, j), 0x01000193);
  return h >>> 0;
}

const mpHeader = (id, seq, wlen) => ((wlen << 2) | (id << 11) | (seq << 14)) >>> 0;

/**
 * One MpscPbuf producer: packets 0 to `count`-1 of producer `id`, each sent
 * through alloc+commit, putData, putWord or putWordExt at random, with 1 to
 * 48 words. Without overwrite every packet must get in: a timed alloc waits
 * for a free (bounded by waitMs); the put calls, which never wait, retry
 * after a short nap. In overwrite mode allocations drop the oldest packets;
 * the drop callback records each one (producer, sequence number) in `drops`.
 */
async function mpscProducer(data) {
  const { id, count, overwrite } = data;
  const drops = Array.from({ length: data.producers }, () => new Uint8Array(count));
  let dropCalls = 0;
  const engine = await engineFor(data);
  let words;
  const pb = MpscPbuf.attach(engine, data.descriptor, {
    onDrop: (off) => {
      const h = words[off];
      if ((h & 1) !== 0) throw new Error(`producer ${id}: dropped packet at ${off} still has its valid bit`);
      drops[(h >>> 11) & 7][h >>> 14]++;
      dropCalls++;
    },
  });
  words = pb.words;
  const rand = prng(data.seed + id);
  const src = new Uint32Array(48);
  let naps = 0;
  const retry = (what, seq) => {
    naps++;
    if (naps * 0.05 > data.waitMs) throw new Error(`producer ${id}: ${what} of packet ${seq} never found room`);
    nap(0.05);
  };
  data.ready();
  for (let seq = 0; seq < count; seq++) {
    const how = rand() % 10;
    if (how === 0) {
      while (!pb.putWord((1 | mpHeader(id, seq, 1)) >>> 0)) retry('putWord', seq);
    } else if (how === 1) {
      while (!pb.putWordExt((1 | mpHeader(id, seq, 2)) >>> 0, packetWord(id, seq, 2, 1))) retry('putWordExt', seq);
    } else if (how <= 4) {
      const wlen = 1 + (rand() % 48);
      src[0] = (1 | mpHeader(id, seq, wlen)) >>> 0;
      for (let i = 1; i < wlen; i++) src[i] = packetWord(id, seq, wlen, i);
      while (!pb.putData(src, 0, wlen)) retry('putData', seq);
    } else {
      const wlen = 1 + (rand() % 48);
      let p = pb.alloc(wlen, overwrite ? 0 : data.waitMs);
      while (p === null) {
        if (!overwrite)
          throw new Error(`producer ${id}: alloc(${wlen}) of packet ${seq} timed out after ${data.waitMs} ms`);
        retry('alloc', seq); // every packet claimed or uncommitted: nothing to drop yet
        p = pb.alloc(wlen, overwrite ? 0 : data.waitMs);
      }
      words = pb.words;
      for (let i = 1; i < wlen; i++) words[p + i] = packetWord(id, seq, wlen, i);
      words[p] = mpHeader(id, seq, wlen);
      pb.commit(p);
    }
  }
  Atomics.add(new Int32Array(data.done), 0, 1);
  return { id, count, naps, dropCalls, drops };
}

/**
 * The MpscPbuf consumer: claims and frees until every producer is done and
 * nothing is left, checking each packet's words and that every producer's
 * sequence numbers rise (by exactly 1 without overwrite). Returns, per
 * producer, how often each sequence number was delivered.
 */
async function mpscConsumer(data) {
  const { count, overwrite, producers } = data;
  const pb = MpscPbuf.attach(await engineFor(data), data.descriptor);
  const delivered = Array.from({ length: producers }, () => new Uint8Array(count));
  const last = new Array(producers).fill(-1);
  const done = new Int32Array(data.done);
  let idleMs = 0,
    packets = 0,
    sleeps = 0;
  data.ready();
  for (;;) {
    let p = pb.claim();
    // All done: one more look, since the last packets may have been
    // committed after the claim above (a packet found here is consumed).
    if (p === null && Atomics.load(done, 0) === producers) {
      p = pb.claim();
      if (p === null && !pb.isPending) break;
    }
    if (p === null) {
      // Sleep until a producer commits; in slices, since the last producer
      // ends without a commit that would wake us.
      sleeps++;
      const t0 = performance.now();
      p = pb.claim(100);
      if (p === null) {
        idleMs += performance.now() - t0;
        if (idleMs > data.waitMs) throw new Error(`consumer: nothing to claim for ${data.waitMs} ms`);
        continue;
      }
    }
    idleMs = 0;
    const w = pb.words,
      h = w[p];
    const wlen = (h >>> 2) & 511,
      id = (h >>> 11) & 7,
      seq = h >>> 14;
    if ((h & 3) !== 3) throw new Error(`consumer: claimed header 0x${h.toString(16)} is not valid and busy`);
    if (id >= producers || seq >= count || wlen < 1 || wlen > 48)
      throw new Error(`consumer: bad header 0x${h.toString(16)}`);
    if (overwrite ? seq <= last[id] : seq !== last[id] + 1) {
      throw new Error(`consumer: producer ${id} packet ${seq} after ${last[id]}`);
    }
    last[id] = seq;
    for (let i = 1; i < wlen; i++) {
      if (w[p + i] !== packetWord(id, seq, wlen, i))
        throw new Error(`consumer: producer ${id} packet ${seq} word ${i} torn`);
    }
    delivered[id][seq]++;
    packets++;
    pb.free(p);
  }
  return { packets, delivered, dropped: pb.dropped, sleeps };
}

/** Fills nothing: after ready, blocks in alloc(wlen, waitMs) until the test frees room, and commits. */
async function mpscBlockedAlloc(data) {
  const pb = MpscPbuf.attach(await engineFor(data), data.descriptor);
  data.ready();
  const t0 = performance.now();
  const p = pb.alloc(data.wlen, data.waitMs);
  const ms = performance.now() - t0;
  if (p !== null) {
    pb.words[p] = data.wlen << 2;
    pb.commit(p);
  }
  return { p, ms };
}

/** Allocates a 2-word packet (tag 55), says ready, sleeps `delayMs` with it uncommitted, then commits it. */
async function mpscSlowCommit(data) {
  const pb = MpscPbuf.attach(await engineFor(data), data.descriptor);
  const p = pb.alloc(2);
  if (p === null) throw new Error('mpscSlowCommit: no room');
  pb.words[p] = (2 << 2) | (55 << 11);
  pb.words[p + 1] = 5555;
  data.ready();
  nap(data.delayMs);
  pb.commit(p);
  return { p };
}

/** After ready and `delayMs`, commits one putWord packet: wakes a consumer sleeping in claim(ms). */
async function mpscDelayedPut(data) {
  const pb = MpscPbuf.attach(await engineFor(data), data.descriptor);
  data.ready();
  nap(data.delayMs);
  return { put: pb.putWord(1 | (1 << 2) | (77 << 11)) };
}

/**
 * Claims `count` packets one at a time with claim(Infinity), so that it
 * sleeps before nearly each one (the test commits the next only after the
 * last was freed, and after a pause), checks each tag is the next, and
 * counts them in `acked` (notified) for the test to wait on.
 */
async function mpscSleepyConsumer(data) {
  const pb = MpscPbuf.attach(await engineFor(data), data.descriptor);
  const acked = new Int32Array(data.acked);
  data.ready();
  for (let i = 0; i < data.count; i++) {
    const p = pb.claim(Infinity);
    if (p === null) throw new Error(`mpscSleepyConsumer: claim(Infinity) returned null at packet ${i}`);
    const tag = pb.words[p] >>> 11;
    if (tag !== i) throw new Error(`mpscSleepyConsumer: packet ${tag} where ${i} was due`);
    pb.free(p);
    Atomics.add(acked, 0, 1);
    Atomics.notify(acked, 0);
  }
  return { count: data.count };
}

// ── Lifecycle: end-of-stream and abort wake-ups (test/lifecycle.xthread.test.ts) ──

/** FNV-1a, continued from `h` over bytes[from, to). */
function fnvMore(h, bytes, from, to) {
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h;
}

/**
 * Streams `total` seeded bytes into a RingBuf, in chunks of 1 to 700 bytes
 * through put, putClaim/putFinish or write (never flushed: the close must
 * publish what is pending), waiting when full, then closes it. Returns the
 * count and the FNV-1a of the bytes, for the reader to match.
 */
async function lcByteSource(data) {
  const rb = RingBuf.attach(await engineFor(data), data.descriptor);
  const rand = prng(data.seed);
  const chunk = new Uint8Array(700);
  let h = 0x811c9dc5,
    sent = 0;
  while (sent < data.total) {
    const n = Math.min(1 + (rand() % chunk.length), data.total - sent);
    for (let i = 0; i < n; i++) chunk[i] = rand();
    h = fnvMore(h, chunk, 0, n);
    const how = rand() % 3;
    let done = 0;
    while (done < n) {
      let w;
      if (how === 0) {
        w = rb.put(chunk, done, n);
      } else if (how === 1) {
        w = rb.putClaim(n - done);
        rb.storage.set(chunk.subarray(done, done + w), rb.putOffset);
        rb.putFinish(w);
      } else {
        w = rb.write(chunk, done, n);
      }
      done += w;
      if (w === 0 && !rb.waitForSpace(data.waitMs)) throw new Error(`source: no space within ${data.waitMs} ms`);
    }
    sent += n;
  }
  rb.close();
  return { bytes: sent, hash: h >>> 0 };
}

/** Reads a RingBuf until end-of-stream, sleeping in waitForData; returns the count and FNV-1a. */
async function lcByteSink(data) {
  const rb = RingBuf.attach(await engineFor(data), data.descriptor);
  const buf = new Uint8Array(1000);
  let h = 0x811c9dc5,
    got = 0;
  for (;;) {
    const n = rb.get(buf);
    h = fnvMore(h, buf, 0, n);
    got += n;
    if (n > 0) continue;
    if (rb.ended) break;
    if (!rb.waitForData(data.waitMs)) throw new Error(`sink: nothing within ${data.waitMs} ms, not ended`);
  }
  return { bytes: got, hash: h >>> 0 };
}

/** Puts `count` seeded items (0 to 20 words) into an ItemRingBuf, waiting when full, then closes it. */
async function lcItemSource(data) {
  const rb = ItemRingBuf.attach(await engineFor(data), data.descriptor);
  const rand = prng(data.seed);
  const payload = new Uint32Array(20);
  let h = 0x811c9dc5;
  for (let i = 0; i < data.count; i++) {
    const n = rand() % 21;
    for (let k = 0; k < n; k++) payload[k] = rand();
    const type = i & 0xffff;
    h = Math.imul(h ^ type, 0x01000193);
    h = fnvMore(h, new Uint8Array(payload.buffer, 0, 4 * n), 0, 4 * n);
    while (rb.put(type, n, payload, 0, n) !== 0) {
      if (!rb.waitForSpace(data.waitMs, 1 + n)) throw new Error(`item source: no space within ${data.waitMs} ms`);
    }
  }
  rb.close();
  return { items: data.count, hash: h >>> 0 };
}

/** Reads an ItemRingBuf until end-of-stream; returns the count and the hash lcItemSource computes. */
async function lcItemSink(data) {
  const rb = ItemRingBuf.attach(await engineFor(data), data.descriptor);
  const out = new Uint32Array(20);
  let h = 0x811c9dc5,
    items = 0;
  for (;;) {
    const n = rb.get(out);
    if (n >= 0) {
      if (rb.itemValue !== n) throw new Error(`item sink: item ${items} has value ${rb.itemValue} and ${n} words`);
      h = Math.imul(h ^ rb.itemType, 0x01000193);
      h = fnvMore(h, new Uint8Array(out.buffer, 0, 4 * n), 0, 4 * n);
      items++;
    } else if (rb.ended) {
      break;
    } else if (!rb.waitForData(data.waitMs)) {
      throw new Error(`item sink: nothing within ${data.waitMs} ms, not ended`);
    }
  }
  return { items, hash: h >>> 0 };
}

/**
 * One of `producers` threads on an MpscPbuf: commits `count` packets
 * [header, id, seq, seq ^ id] with timed allocations, then counts itself
 * done in `doneWord`; the last one to finish closes the whole buffer.
 */
async function lcPacketSource(data) {
  const pb = MpscPbuf.attach(await engineFor(data), data.descriptor);
  const done = new Int32Array(data.doneWord);
  for (let seq = 0; seq < data.count; seq++) {
    const p = pb.alloc(4, data.waitMs);
    if (p === null) throw new Error(`packet source ${data.id}: no room within ${data.waitMs} ms`);
    const w = pb.words;
    w[p] = 4 << 2;
    w[p + 1] = data.id;
    w[p + 2] = seq;
    w[p + 3] = (seq ^ data.id) >>> 0;
    pb.commit(p);
  }
  const closer = Atomics.add(done, 0, 1) === data.producers - 1;
  if (closer) pb.close();
  return { closer };
}

/** Claims packets until end-of-stream, checking that each producer's come in order. */
async function lcPacketSink(data) {
  const pb = MpscPbuf.attach(await engineFor(data), data.descriptor);
  const next = new Array(data.producers).fill(0);
  for (;;) {
    const p = pb.claim(data.waitMs);
    if (p === null) {
      if (pb.ended) break;
      throw new Error(`packet sink: nothing within ${data.waitMs} ms, not ended`);
    }
    const w = pb.words;
    const id = w[p + 1],
      seq = w[p + 2];
    if (seq !== next[id] || w[p + 3] !== (seq ^ id) >>> 0)
      throw new Error(`packet sink: producer ${id} sent ${seq}, expected ${next[id]}`);
    next[id]++;
    pb.free(p);
  }
  return { next };
}

/**
 * One of two producer threads racing for one RingBuf (issue 17, item 9).
 * The first to flush owns the producer side: it streams bytesProducer's
 * frames and closes the ring. The other must be refused with SideOwnedError
 * at every attempt (put, write, putClaim, putFinish, flush, close, each of
 * bytes 0xee that the consumer would reject) until the close, after which
 * its attempts get BufferClosedError.
 */
async function rivalProducer(data) {
  const rb = RingBuf.attach(await engineFor(data), data.descriptor);
  data.ready();
  try {
    rb.flush();
  } catch (e) {
    if (!(e instanceof SideOwnedError)) throw e;
    return refusedUntilClosed(rb, e);
  }
  const sent = produceFrames(rb, data);
  rb.close();
  return { won: true, ...sent };
}

/** The losing rival: every producer operation it tries must be refused, with the buffer unchanged. */
function refusedUntilClosed(rb, first) {
  const junk = new Uint8Array(64).fill(0xee);
  const attempts = [
    () => rb.put(junk),
    () => rb.write(junk),
    () => rb.putClaim(64),
    () => rb.putFinish(0),
    () => rb.flush(),
    () => rb.close(),
  ];
  const lost = { won: false, refused: 1, side: first.side, message: first.message };
  for (let i = 0; ; i++) {
    try {
      attempts[i % attempts.length]();
    } catch (e) {
      if (e instanceof BufferClosedError) return lost;
      if (!(e instanceof SideOwnedError)) throw e;
      lost.refused++;
      nap(1);
      continue;
    }
    // flush and close do nothing on a closed ring, and throw nothing.
    if (rb.state === 'closed') return lost;
    throw new Error(`rival producer: attempt ${i} was not refused`);
  }
}

/**
 * Runs `data.op` once on a handle of its own ('get' on a RingBuf, 'claim'
 * or 'alloc' on an MpscPbuf) and reports how it went: { ok, result }, or the
 * error's name, side and message. A handle that succeeded gives its side back.
 */
async function trySide(data) {
  const engine = await engineFor(data);
  try {
    let result;
    if (data.descriptor.type === 'MpscPbuf') {
      const pb = MpscPbuf.attach(engine, data.descriptor);
      result = data.op === 'claim' ? pb.claim() : pb.alloc(1);
      releaseSides(pb);
    } else {
      const rb = RingBuf.attach(engine, data.descriptor);
      result = rb.get(new Uint8Array(data.bytes));
      releaseSides(rb);
    }
    return { ok: true, result };
  } catch (e) {
    if (!(e instanceof SideOwnedError)) throw e;
    return { ok: false, name: e.name, side: e.side, message: e.message };
  }
}

/** Attaches the buffer a descriptor names, whatever its class. */
function attachAny(engine, d) {
  if (d.type === 'RingBuf') return RingBuf.attach(engine, d);
  if (d.type === 'ItemRingBuf') return ItemRingBuf.attach(engine, d);
  return MpscPbuf.attach(engine, d);
}

/** Blocks in the wait `op` of buffer `b` for up to `ms`. */
function blockIn(b, op, ms) {
  if (op === 'data') return b.waitForData(ms);
  if (op === 'space') return b.waitForSpace(ms);
  if (op === 'claim') return b.claim(ms);
  return b.alloc(1, ms);
}

/**
 * For each buffer of `descriptors` in turn: stores i + 1 in `flag[0]` (the
 * main thread then aborts buffer i with code i + 1 after a random delay of
 * a few microseconds), blocks in `op` for up to `waitMs`, and expects the
 * abort to end the wait with BufferAbortedError. Returns each wait's length:
 * a lost wake-up would last the whole `waitMs`.
 */
async function lcBlocked(data) {
  const engine = await createEngine(data.kind, { memory: data.memory, module: data.module });
  const flag = new Int32Array(data.flag);
  const buffers = data.descriptors.map((d) => attachAny(engine, d));
  data.ready();
  const ms = [];
  for (let i = 0; i < buffers.length; i++) {
    Atomics.store(flag, 0, i + 1);
    Atomics.notify(flag, 0);
    const t0 = performance.now();
    try {
      blockIn(buffers[i], data.op, data.waitMs);
      throw new Error(`${data.op} #${i} returned instead of throwing BufferAbortedError`);
    } catch (e) {
      if (!(e instanceof BufferAbortedError) || e.code !== i + 1) throw e;
    }
    ms.push(performance.now() - t0);
  }
  return { ms };
}

/**
 * For each buffer of `descriptors` in turn: waits until the main thread
 * stores i + 1 in `flag[0]` (it is then in an async wait on buffer i),
 * spins 0 to 40 us, and aborts buffer i with code i + 1.
 */
async function lcAborter(data) {
  const engine = await createEngine(data.kind, { memory: data.memory, module: data.module });
  const flag = new Int32Array(data.flag);
  const buffers = data.descriptors.map((d) => attachAny(engine, d));
  const rand = prng(data.seed);
  data.ready();
  for (let i = 0; i < buffers.length; i++) {
    const t0 = performance.now();
    // Spin, not sleep: a wake-up would add tens of us before the abort.
    while (Atomics.load(flag, 0) < i + 1) {
      if (performance.now() - t0 > data.waitMs) throw new Error(`aborter: main never reached wait #${i}`);
    }
    const until = performance.now() + (rand() % 40) / 1000;
    while (performance.now() < until);
    buffers[i].abort(i + 1);
  }
  return { aborted: buffers.length };
}

/**
 * Creates and releases buffers of every class `data.cycles` times (sizes
 * from a seeded generator), attaching to and releasing the long-lived
 * buffer of `data.descriptor` on the way, and checks each new buffer works.
 * Returns the largest memory size it saw.
 */
async function heapChurn(data) {
  const engine = await createEngine(data.kind, { memory: data.memory, module: data.module });
  const rand = prng(data.seed);
  const one = new Uint8Array(1);
  let largest = 0;
  for (let i = 0; i < data.cycles; i++) {
    const pick = rand() % 4;
    if (pick === 0) {
      const rb = new RingBuf(engine, 64 + (rand() % 4096));
      one[0] = i;
      if (rb.put(one) !== 1 || rb.get(one) !== 1 || one[0] !== (i & 255))
        throw new Error(`cycle ${i}: a new RingBuf lost its byte`);
      rb.release();
    } else if (pick === 1) {
      const rb = new ItemRingBuf(engine, 16 + (rand() % 512));
      if (rb.put(i & 0xffff, 1) !== 0 || rb.get() !== 0 || rb.itemType !== (i & 0xffff))
        throw new Error(`cycle ${i}: a new ItemRingBuf lost its item`);
      rb.release();
    } else if (pick === 2) {
      const pb = new MpscPbuf(engine, 8 + (rand() % 256));
      if (!pb.putWord(1 | (1 << 2)) || pb.claim() === null)
        throw new Error(`cycle ${i}: a new MpscPbuf refused a word`);
      pb.release();
    } else {
      RingBuf.attach(engine, data.descriptor).release();
    }
    largest = Math.max(largest, engine.memory.buffer.byteLength);
  }
  return { largest };
}

const roles = {
  heapChurn,
  bytesProducer,
  bytesConsumer,
  delayedPut,
  delayedGet,
  itemsProducer,
  itemsConsumer,
  mpscProducer,
  mpscConsumer,
  mpscBlockedAlloc,
  mpscDelayedPut,
  mpscSlowCommit,
  mpscSleepyConsumer,
  lcByteSource,
  lcByteSink,
  lcItemSource,
  lcItemSink,
  lcPacketSource,
  lcPacketSink,
  lcBlocked,
  lcAborter,
  rivalProducer,
  trySide,
};

/** Runs the role `data.role` and returns its result (posted back by the wrapper). */
export async function run(data) {
  const role = roles[data.role];
  if (role === undefined) throw new Error(`unknown role ${data.role}`);
  return role(data);
}

// MpscPbuf cases, shaped like Zephyr's native bench (d) (bench/README.md): a 16384-word
// buffer (power of two, masked wrap) in no-overwrite mode kept half full of
// committed packets, so the indices wrap and skip packets are made at the end
// of storage. Headers follow the Zephyr suite's `valid:1 busy:1 len:9 ...`
// (lengthBits 9), so the length is read in wasm, not through a callback.
//
// Round trips are Zephyr's "touch=1" column: the producer writes the header
// and every payload word, the consumer sums every payload word.
//
// Memory: WRB_BENCH_MEMORY=shared|unshared (run.js sets it; default shared).

import { createEngine, MpscPbuf } from '../../dist/bindings/index.js';

const WORDS = 16384;
const SIZES = [2, 8, 64];
const SHARED = (process.env.WRB_BENCH_MEMORY ?? 'shared') === 'shared';
const hdr = (len, tag) => ((len << 2) | (tag << 11)) >>> 0;

async function buffer(kind, options) {
  const engine = await createEngine(kind, { shared: SHARED });
  return new MpscPbuf(engine, WORDS, { lengthBits: 9, ...options });
}

/** Fills `pb` with committed `wlen`-word packets until `words` words are in use. */
function fill(pb, wlen, words) {
  while (pb.utilization / 4 + wlen <= words) {
    const p = pb.alloc(wlen);
    if (p === null) break;
    pb.words[p] = hdr(wlen, 0);
    pb.commit(p);
  }
}

/** alloc + header + payload + commit, then claim + sum of the payload + free. */
async function roundTrip(kind, wlen) {
  const pb = await buffer(kind);
  fill(pb, wlen, WORDS / 2);
  const w = pb.words;
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      // Half full, and each packet is freed before the next: alloc and claim always succeed.
      const p = /** @type {number} */ (pb.alloc(wlen));
      w[p] = hdr(wlen, i & 0xfffff);
      for (let j = 1; j < wlen; j++) w[p + j] = i + j;
      pb.commit(p);
      const c = /** @type {number} */ (pb.claim());
      for (let j = 1; j < wlen; j++) sum = (sum + w[c + j]) | 0;
      sum = (sum + (w[c] >>> 11)) | 0;
      pb.free(c);
    }
    return sum;
  };
}

/** putWord of a 1-word packet, then claim + free. */
async function putWord(kind) {
  const pb = await buffer(kind);
  for (let i = 0; i < WORDS / 2; i++) pb.putWord(1 | hdr(1, 0));
  const w = pb.words;
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      pb.putWord((1 | hdr(1, i & 0xfffff)) >>> 0);
      const c = /** @type {number} */ (pb.claim()); // the word just put
      sum = (sum + (w[c] >>> 11)) | 0;
      pb.free(c);
    }
    return sum;
  };
}

/** Overwrite mode, buffer full: every alloc drops the oldest packet (one drop callback) before it commits. */
async function overwrite(kind, wlen) {
  let dropped = 0;
  const pb = await buffer(kind, {
    overwrite: true,
    onDrop: (off) => {
      dropped = (dropped + off) | 0;
    },
  });
  fill(pb, wlen, WORDS);
  const w = pb.words;
  return (n) => {
    for (let i = 0; i < n; i++) {
      const p = /** @type {number} */ (pb.alloc(wlen)); // overwrite mode: drops to make room, never fails
      w[p] = hdr(wlen, i & 0xfffff);
      pb.commit(p);
    }
    return dropped;
  };
}

const cases = [];
for (const wlen of SIZES) {
  cases.push({
    id: `mpsc.roundtrip.${wlen}`,
    size: wlen,
    bytesPerOp: wlen * 4,
    title: `alloc + write ${wlen} words + commit + claim + sum + free (16384 words, half full)`,
    impls: {
      wasm: () => roundTrip('wasm', wlen),
      js: () => roundTrip('js', wlen),
    },
  });
}
cases.push({
  id: 'mpsc.putword',
  size: 1,
  bytesPerOp: 4,
  title: 'putWord + claim + free of 1-word packets (16384 words, half full)',
  impls: {
    wasm: () => putWord('wasm'),
    js: () => putWord('js'),
  },
});
for (const wlen of SIZES) {
  cases.push({
    id: `mpsc.overwrite.${wlen}`,
    size: wlen,
    bytesPerOp: wlen * 4,
    title: `overwrite mode, full: alloc (drops one ${wlen}-word packet) + header + commit`,
    impls: {
      wasm: () => overwrite('wasm', wlen),
      js: () => overwrite('js', wlen),
    },
  });
}

export default cases;

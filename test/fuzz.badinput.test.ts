// Bad-input fuzzer: seeded random calls, with random bad and edge arguments,
// on the three classes and both engines. Every call that throws must throw a
// TypeError or RangeError and leave the WHOLE memory as it was; every call
// that returns must leave everything outside its own buffer as it was, the
// guard buffers on both sides included (test/util/guarded.ts).
// A failure names the seed and the step; WRB_SEED=<seed> replays it.

import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, ItemRingBuf, MpscPbuf, RingBuf } from '../dist/bindings/index.js';
import { firstChangeOutside, type Guarded, guarded, memoryCopy } from './util/guarded.js';
import { Prng, soakScale, testSeed } from './util/prng.js';

const seed = testSeed();
const STEPS = 3_000 * soakScale();

/** Numbers and non-numbers at and beyond every limit the API has. */
const SCALARS: unknown[] = [
  0,
  1,
  2,
  3,
  4,
  7,
  8,
  16,
  63,
  64,
  65,
  255,
  256,
  4096,
  65535,
  65536,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  -1,
  -0,
  0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_SAFE_INTEGER,
  '1',
  '',
  null,
  undefined,
  true,
  {},
  [],
  [1],
  1n,
  Symbol('x'),
  () => 1,
  Object.create(null),
];

/** A random argument: mostly scalars, sometimes an array of some kind. */
function anyArg(p: Prng, e: Engine, span: Span): unknown {
  return p.chance(0.7) ? p.pick(SCALARS) : anyArray(p, e, span);
}

/** Arrays that are real, foreign, shadowed, forged, or views of the buffer's own storage. */
function anyArray(p: Prng, e: Engine, [lo0, hi]: Span): unknown {
  const n = p.pick([0, 1, 2, 3, 4, 5, 8, 16, 33, 64, 255, 256, 300, 5000]);
  const Ctor = p.pick([Uint8Array, Uint32Array, Uint8Array, Uint32Array, Int32Array, Uint16Array, Float64Array]);
  const bytes = Ctor.BYTES_PER_ELEMENT;
  switch (p.int(0, 5)) {
    case 0:
      return new Ctor(n).map(() => p.u32());
    case 1: {
      // A view of the storage under test, whole elements.
      const lo = Math.ceil(lo0 / bytes) * bytes;
      const room = Math.floor((hi - lo) / bytes);
      const len = Math.min(n, room);
      return new Ctor(e.memory.buffer, lo + bytes * p.int(0, room - len), len);
    }
    case 2: {
      // Properties that lie: a length, a buffer, an offset pointing at a guard.
      const victim = p.pick([0, lo0 - 64, hi, hi + 64]);
      return Object.defineProperties(new Ctor(n), {
        length: { value: p.pick([n, 5000, 2 ** 31]) },
        byteOffset: { value: victim },
        buffer: { value: p.chance(0.8) ? e.memory.buffer : new ArrayBuffer(8) },
      });
    }
    case 3:
      return Object.create(Ctor.prototype, {
        buffer: { value: e.memory.buffer },
        byteOffset: { value: p.pick([0, hi, lo0 - 64]) },
        length: { value: n },
      });
    case 4: {
      const Long = class extends (Ctor as Uint8ArrayConstructor) {};
      Object.defineProperty(Long.prototype, 'subarray', { value: () => new Ctor(5000).fill(0xee) });
      return new Long(n);
    }
    default:
      return p.pick([[1, 2, 3], new ArrayBuffer(8), new DataView(new ArrayBuffer(8)), 'abc']);
  }
}

/** A method's name, the call, and the arguments it drew (filled as it runs). */
type Call = (p: Prng, e: Engine, g: Guarded<unknown>, span: Span) => [string, () => unknown, unknown[]];
/** [start, end): the storage of the buffer under test, where a view of the memory may lie (a call may write there). */
type Span = [number, number];

/** Each method with random arguments (drawn as the call runs); the well-formed calls come from the random tests. */
function calls<T>(methods: Record<string, (t: T, a: Args, p: Prng) => unknown>): Call[] {
  return Object.entries(methods).map(([name, f]) => (p, e, g, span) => {
    const drawn: unknown[] = [];
    const draw = (v: unknown) => {
      drawn.push(v);
      return v;
    };
    const args: Args = {
      any: () => draw(anyArg(p, e, span)),
      array: () => draw(p.chance(0.8) ? anyArray(p, e, span) : anyArg(p, e, span)),
      // Often the default or a small valid index, so that lying arrays get past the window checks.
      bound: () => draw(p.chance(0.4) ? undefined : p.chance(0.5) ? p.int(0, 70) : anyArg(p, e, span)),
    };
    return [name, () => f(g.target as T, args, p), drawn];
  });
}

/** Argument makers: any value, an array (mostly), a window bound. */
interface Args {
  any(): unknown;
  array(): unknown;
  bound(): unknown;
}

const ringCalls = calls<RingBuf>({
  put: (rb, a) => rb.put(a.array() as Uint8Array, a.bound() as number, a.bound() as number),
  write: (rb, a) => rb.write(a.array() as Uint8Array, a.bound() as number, a.bound() as number),
  get: (rb, a) => rb.get(a.array() as Uint8Array, a.bound() as number, a.bound() as number),
  peek: (rb, a) => rb.peek(a.array() as Uint8Array, a.bound() as number, a.bound() as number),
  discard: (rb, a) => rb.discard(a.any() as number),
  putClaim: (rb, a) => rb.putClaim(a.any() as number),
  putFinish: (rb, a) => rb.putFinish(a.any() as number),
  getClaim: (rb, a) => rb.getClaim(a.any() as number),
  getFinish: (rb, a) => rb.getFinish(a.any() as number),
  flush: (rb) => rb.flush(),
  internalReset: (rb, a) => rb.internalReset(a.any() as number),
  waitForData: (rb, a) => rb.waitForData(a.any() as number, a.any() as number),
  waitForSpace: (rb, a) => rb.waitForSpace(a.any() as number, a.any() as number),
  waitForSpaceAsync: (rb, a) => rb.waitForSpaceAsync(a.any() as number, a.any() as number).catch(() => 0),
});

const itemCalls = calls<ItemRingBuf>({
  put: (rb, a) =>
    rb.put(a.any() as number, a.any() as number, a.array() as Uint32Array, a.bound() as number, a.bound() as number),
  putNoData: (rb, a) => rb.put(a.any() as number, a.any() as number),
  get: (rb, a) => rb.get(a.array() as Uint32Array, a.bound() as number, a.bound() as number),
  putBatch: (rb, a) => rb.putBatch(a.array() as Uint32Array, a.bound() as number, a.bound() as number),
  getBatch: (rb, a) => rb.getBatch(a.array() as Uint32Array, a.bound() as number, a.bound() as number),
  internalReset: (rb, a) => rb.internalReset(a.any() as number),
  waitForData: (rb, a) => rb.waitForData(a.any() as number, a.any() as number),
  waitForSpace: (rb, a) => rb.waitForSpace(a.any() as number, a.any() as number),
});

// Packet headers that user code writes are item 2 of issue 17 (validated in
// the mpsc core, another branch): here headers are only ever well-formed.
const mpscCalls = calls<MpscPbuf>({
  alloc: (pb, a) => {
    // No timeout: a wait could only end by its deadline here.
    const wlen = a.any() as number;
    const off = pb.alloc(wlen);
    if (off === null) return off;
    // The packet's length field, as a producer writes it before the commit.
    pb.words[off] = (pb.words[off] & 3) | (wlen << 2);
    pb.commit(off);
    return off;
  },
  claimFree: (pb) => {
    const off = pb.claim();
    if (off !== null) pb.free(off);
    return off;
  },
  free: (pb, a) => pb.free(a.any() as number),
  commit: (pb, a) => pb.commit(a.any() as number),
  putData: (pb, a, p) => {
    if (p.chance(0.5)) return pb.putData(a.array() as Uint32Array, a.bound() as number, a.bound() as number);
    // A well-formed packet in a fresh array, with a random window around it.
    const n = p.int(1, 70);
    const src = new Uint32Array(n + 2);
    src[1] = 1 | (n << 2);
    return pb.putData(src, p.chance(0.8) ? 1 : (a.bound() as number), p.chance(0.8) ? n + 1 : (a.bound() as number));
  },
});

/** An argument, for the failure message. */
function show(v: unknown): string {
  if (ArrayBuffer.isView(v)) {
    const own = Object.getOwnPropertyNames(v).filter((k) => !/^\d+$/.test(k));
    return `${Object.getPrototypeOf(v).constructor.name}(${(v as Uint8Array).byteLength} bytes${own.length ? `, own ${own.join('/')}` : ''})`;
  }
  if (typeof v === 'object' && v !== null) return Object.prototype.toString.call(v);
  return typeof v === 'symbol' || typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? String(v));
}

describe.each(['wasm', 'js'] as const)(`bad-input fuzzer on the %s engine (seed ${seed}; WRB_SEED replays)`, (kind) => {
  it(`${STEPS} random calls per class: refusals change no byte, other calls nothing outside their buffer`, async () => {
    const e = await createEngine(kind);
    const rb = guarded(e, () => new RingBuf(e, 64));
    const irb = guarded(e, () => new ItemRingBuf(e, 64));
    const pb = guarded(e, () => new MpscPbuf(e, 64, { overwrite: true }));
    const subjects: [string, Guarded<unknown>, Call[], Span][] = [
      ['RingBuf', rb, ringCalls, [rb.target.storageAddress, rb.target.storageAddress + 64]],
      ['ItemRingBuf', irb, itemCalls, [irb.target.storageAddress, irb.target.storageAddress + 4 * 64]],
      ['MpscPbuf', pb, mpscCalls, [pb.target.storageAddress, pb.target.storageAddress + 4 * 64]],
    ];
    // Each handle takes its sides first: a side's first operation writes its
    // owner word in the control block, even when that operation is then refused.
    rb.target.flush();
    rb.target.getFinish(0);
    irb.target.putBatch(new Uint32Array(0));
    irb.target.get();
    pb.target.claim();
    const p = new Prng(seed ^ (kind === 'js' ? 0x5bd1e995 : 0));
    let refused = 0;
    let accepted = 0;
    for (let step = 0; step < STEPS * subjects.length; step++) {
      const [cls, g, list, span] = subjects[step % subjects.length];
      const [name, call, drawn] = p.pick(list)(p, e, g, span);
      const where = () => `seed ${seed}, step ${step}: ${cls}.${name}(${drawn.map(show).join(', ')})`;
      const before = memoryCopy(e);
      let error: unknown;
      try {
        call();
      } catch (err) {
        error = err;
      }
      if (error !== undefined) {
        refused++;
        if (!(error instanceof TypeError || error instanceof RangeError))
          throw new Error(`${where()} threw ${String(error)}`);
        const changed = firstChangeOutside(e, before, 0, 0);
        if (changed >= 0)
          throw new Error(`${where()} was refused (${(error as Error).message}) but changed byte ${changed}`);
      } else {
        const changed = firstChangeOutside(e, before, g.lo, g.hi);
        if (changed >= 0) throw new Error(`${where()} changed byte ${changed}, outside its buffer [${g.lo}, ${g.hi})`);
        accepted++;
      }
    }
    // The generator must reach both outcomes often.
    expect(refused).toBeGreaterThan(STEPS / 2);
    expect(accepted).toBeGreaterThan(STEPS / 2);
  });
});

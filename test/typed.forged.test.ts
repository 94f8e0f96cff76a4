// Typed arrays whose own properties lie: a forged object with a typed
// array's prototype, a real view with a shadowed `length`, `buffer` or
// `byteOffset`, a subclass whose `subarray` (or species) hands back a longer
// array. None may make a call touch memory outside the buffer it names: the
// bindings read views only through the intrinsic getters (bindings/typed.ts).

import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, ItemRingBuf, MpscPbuf, RingBuf } from '../dist/bindings/index.js';
import { expectFenced, type Guarded, guarded, memoryCopy } from './util/guarded.js';
import { rejects } from './util/rejects.js';

/** `a` with its own `name` property set to `value`, hiding the prototype's getter. */
function shadow<T extends object>(a: T, props: Record<string, unknown>): T {
  for (const [k, value] of Object.entries(props)) Object.defineProperty(a, k, { value });
  return a;
}

/** An object that borrows `proto` and claims to span `length` elements at `byteOffset` of the memory. */
function forged(proto: object, engine: Engine, byteOffset: number, length: number): unknown {
  return Object.create(proto, {
    buffer: { value: engine.memory.buffer },
    byteOffset: { value: byteOffset },
    length: { value: length },
    byteLength: { value: length },
  });
}

/** A subclass of `base` whose subarray, and species, give a 5000-element array whatever is asked. */
function longSubarray<T extends Uint8ArrayConstructor | Uint32ArrayConstructor>(base: T, length: number) {
  const Long = class extends (base as Uint8ArrayConstructor) {};
  Object.defineProperty(Long.prototype, 'subarray', { value: () => new base(5000).fill(0xee) });
  const Species = class extends (base as Uint8ArrayConstructor) {
    constructor() {
      super(5000);
    }
  };
  Object.defineProperty(Long, Symbol.species, { get: () => Species });
  return new Long(length) as unknown as InstanceType<T>;
}

/** Runs `call` on the fenced buffer and checks that nothing outside it changed; returns its result. */
function fenced<T, R>(engine: Engine, g: Guarded<T>, what: string, call: (t: T) => R): R {
  const before = memoryCopy(engine);
  let r: R | Error;
  try {
    r = call(g.target);
  } catch (e) {
    r = e as Error;
  }
  expectFenced(engine, before, g, what);
  if (r instanceof Error) throw r;
  return r;
}

describe.each(['wasm', 'js'] as const)('arrays whose properties lie, on the %s engine', (kind) => {
  it('RingBuf: forged arrays are refused, shadowed properties and subclasses are read through the intrinsics', async () => {
    const e = await createEngine(kind);
    const g = guarded(e, () => new RingBuf(e, 256));
    const victim = g.guards[1].address;
    for (const m of ['put', 'write', 'get', 'peek'] as const) {
      const arg = m === 'put' || m === 'write' ? 'src' : 'dst';
      const before = memoryCopy(e);
      rejects(() => g.target[m](forged(Uint8Array.prototype, e, victim, 1000) as Uint8Array), TypeError, arg);
      expect(memoryCopy(e)).toEqual(before);
    }
    // A real 8-byte array that says it is 4096 long: 8 bytes go in.
    expect(
      fenced(e, g, 'put, shadowed length', (rb) => rb.put(shadow(new Uint8Array(8).fill(1), { length: 4096 }))),
    ).toBe(8);
    // A foreign array that claims to lie in the memory, at the next buffer's control block.
    const out = shadow(new Uint8Array(64), { buffer: e.memory.buffer, byteOffset: victim, length: 64 });
    expect(fenced(e, g, 'get, shadowed buffer and byteOffset', (rb) => rb.get(out))).toBe(8);
    expect(Array.from(out.subarray(0, 8))).toEqual(new Array(8).fill(1));
    const src = shadow(new Uint8Array(64).fill(2), { buffer: e.memory.buffer, byteOffset: victim });
    expect(fenced(e, g, 'put, shadowed buffer and byteOffset', (rb) => rb.put(src))).toBe(64);
    expect(fenced(e, g, 'write, shadowed buffer and byteOffset', (rb) => rb.write(src))).toBe(64);
    g.target.flush();
    const peekInto = shadow(new Uint8Array(128), { buffer: e.memory.buffer, byteOffset: victim });
    expect(fenced(e, g, 'peek, shadowed buffer and byteOffset', (rb) => rb.peek(peekInto))).toBe(128);
    expect(peekInto.every((b) => b === 2)).toBe(true);
    expect(g.target.discard(256)).toBe(128);
    // A subclass whose subarray (and species) return 5000 bytes: the piece copies take 199.
    const long = longSubarray(Uint8Array, 200).fill(3);
    g.target.internalReset(100); // the copy crosses the end of storage: two pieces
    expect(fenced(e, g, 'put, long subarray', (rb) => rb.put(long, 1, 200))).toBe(199);
    expect(fenced(e, g, 'write, long subarray', (rb) => rb.write(long, 150, 200))).toBe(50);
    g.target.flush();
    const back = longSubarray(Uint8Array, 300);
    expect(fenced(e, g, 'get, long subarray', (rb) => rb.get(back, 1, 300))).toBe(249);
    for (let i = 1; i < 250; i++) expect(back[i]).toBe(3);
  });

  it('ItemRingBuf: the same for put, get, putBatch and getBatch', async () => {
    const e = await createEngine(kind);
    // The engine's first ItemRingBuf places the staging area too: inside the fence.
    const g = guarded(e, () => new ItemRingBuf(e, 512));
    const victim = g.guards[1].address;
    const forgedWords = () => forged(Uint32Array.prototype, e, victim, 1000) as Uint32Array;
    const refusals: [string, (rb: ItemRingBuf) => unknown][] = [
      ['data', (rb) => rb.put(1, 0, forgedWords())],
      ['dst', (rb) => rb.get(forgedWords())],
      ['records', (rb) => rb.putBatch(forgedWords())],
      ['dst', (rb) => rb.getBatch(forgedWords())],
      ['records', (rb) => rb.putBatch(forged(Uint8Array.prototype, e, victim, 1000) as Uint32Array)],
    ];
    for (const [arg, call] of refusals) {
      const before = memoryCopy(e);
      rejects(() => call(g.target), TypeError, arg);
      expect(memoryCopy(e)).toEqual(before);
    }
    // 5000 words that say they are 16: the staging area holds 4096.
    rejects(
      () => fenced(e, g, 'put, shadowed length', (rb) => rb.put(1, 0, shadow(new Uint32Array(5000), { length: 16 }))),
      RangeError,
      'data',
    );
    const records = longSubarray(Uint32Array, 100).fill(ItemRingBuf.header(9, 1, 0));
    expect(fenced(e, g, 'putBatch, long subarray', (rb) => rb.putBatch(records, 1, 100))).toBe(99);
    const out = shadow(new Uint32Array(8), { buffer: e.memory.buffer, byteOffset: victim });
    expect(fenced(e, g, 'get, shadowed buffer and byteOffset', (rb) => rb.get(out))).toBe(0);
    expect(g.target.itemType).toBe(9);
    const many = shadow(new Uint32Array(64), { buffer: e.memory.buffer, byteOffset: victim, length: 4096 });
    expect(fenced(e, g, 'getBatch, shadowed buffer, byteOffset and length', (rb) => rb.getBatch(many))).toBe(64);
    const longOut = longSubarray(Uint32Array, 100);
    expect(fenced(e, g, 'getBatch, long subarray', (rb) => rb.getBatch(longOut, 1, 100))).toBe(34);
    const data = shadow(new Uint32Array(40).fill(5), { buffer: e.memory.buffer, byteOffset: victim, length: 4 });
    expect(fenced(e, g, 'put, shadowed buffer, byteOffset and length', (rb) => rb.put(2, 0, data))).toBe(0);
    expect(fenced(e, g, 'get, long subarray', (rb) => rb.get(longSubarray(Uint32Array, 50)))).toBe(40);
  });

  it('MpscPbuf.putData: a forged array is refused, a shadowed length is not believed', async () => {
    const e = await createEngine(kind);
    const g = guarded(e, () => new MpscPbuf(e, 64));
    const before = memoryCopy(e);
    rejects(
      () => g.target.putData(forged(Uint32Array.prototype, e, g.guards[1].address, 3) as Uint32Array),
      TypeError,
      'src',
    );
    expect(memoryCopy(e)).toEqual(before);
    // A 2-word packet that says it is 40 long (the packet's own header says 2): 2 words go in.
    const packet = shadow(new Uint32Array([1 | (2 << 2), 77]), { length: 40 });
    expect(fenced(e, g, 'putData, shadowed length', (pb) => pb.putData(packet))).toBe(true);
    const off = g.target.claim() as number;
    expect(g.target.words[off + 1]).toBe(77);
  });
});

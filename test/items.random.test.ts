// Seeded random differential test of item mode: the wasm engine, the js
// engine and a reference model run the same random operations in lockstep
// (single and batched puts and gets, destinations too small, discards,
// resets, counters near 2^32, data inside and outside the memory), and every
// result, field, word read and storage word must agree after every op.
// A failure names the seed and the op; WRB_SEED=<seed> replays it.

import { describe, expect, it } from 'vitest';
import { internals, releaseSides } from './util/internals.js';
import { createEngine, EAGAIN, EMSGSIZE, ItemRingBuf, type Engine } from '../dist/bindings/index.js';
import { Prng, soakScale, testSeed } from './util/prng.js';
import { lockstep } from './util/lockstep.js';

const seed = testSeed();

/**
 * Zephyr's item mode from docs/zephyr-semantics.md §1.3, written independently of
 * the implementation: a queue of records in a word array, with plain
 * integer read and write positions (storage offset = position mod capacity;
 * the 32-bit counters are invisible by design).
 */
class Model {
  readonly mem: Uint32Array;
  private wr = 0;
  private rd = 0;
  header = 0;

  constructor(readonly capacity: number) {
    this.mem = new Uint32Array(capacity);
  }

  get size(): number {
    return this.wr - this.rd;
  }
  get space(): number {
    return this.capacity - this.size;
  }

  /** All or nothing: the header word, then the payload, in ring order. */
  put(header: number, data: Uint32Array): number {
    const n = (header >>> 16) & 0xff;
    if (1 + n > this.space) return EMSGSIZE;
    this.mem[this.wr++ % this.capacity] = header;
    for (let k = 0; k < n; k++) this.mem[this.wr++ % this.capacity] = data[k];
    return 0;
  }

  private peekHeader(): number {
    return this.mem[this.rd % this.capacity];
  }

  /** room < 0: no destination (discard). */
  get(dst: Uint32Array, at: number, room: number): number {
    if (this.size === 0) return EAGAIN;
    const header = this.peekHeader();
    const n = (header >>> 16) & 0xff;
    this.header = header;
    if (room >= 0 && n > room) return EMSGSIZE;
    this.rd++;
    for (let k = 0; k < n; k++) {
      const w = this.mem[this.rd++ % this.capacity];
      if (room >= 0) dst[at + k] = w;
    }
    return n;
  }

  putBatch(records: Uint32Array, n: number): number {
    let at = 0;
    while (at < n) {
      const w = 1 + ((records[at] >>> 16) & 0xff);
      if (w > this.space) break;
      this.put(records[at], records.subarray(at + 1, at + w));
      at += w;
    }
    return at;
  }

  getBatch(dst: Uint32Array, at: number, room: number): number {
    if (this.size === 0) return 0;
    let done = 0;
    while (this.size > 0) {
      const w = 1 + ((this.peekHeader() >>> 16) & 0xff);
      if (done + w > room) break;
      dst[at + done] = this.peekHeader();
      this.get(dst, at + done + 1, w - 1);
      done += w;
    }
    if (done === 0) {
      this.header = this.peekHeader();
      return EMSGSIZE;
    }
    return done;
  }

  reset(): void {
    this.wr = this.rd = 0;
  }
}

const ROOM = 2100; // words of every source/destination array

/** One buffer under test, with arrays outside and inside its engine's memory. */
interface Subject {
  name: string;
  rb: ItemRingBuf;
  foreign: Uint32Array;
  inMemory: Uint32Array;
}

function subject(name: string, engine: Engine, rb: ItemRingBuf): Subject {
  const at = internals(engine).alloc(4 * ROOM, 'test arrays');
  return { name, rb, foreign: new Uint32Array(ROOM), inMemory: new Uint32Array(engine.memory.buffer, at, ROOM) };
}

function run(prng: Prng, model: Model, count: number, pick: () => Subject[], label: string): void {
  const cap = model.capacity;
  const data = new Uint32Array(ROOM);
  const want = new Uint32Array(ROOM);
  let i = 0;
  let desc = '';
  const { same, sameElements } = lockstep(() => `${label}, seed ${seed} (WRB_SEED=${seed} replays), op #${i} ${desc}`);
  /** Payload words: mostly small, sometimes up to 255, never more than fits a buffer of 2 * cap. */
  const words = (): number => {
    const r = prng.int(0, 99);
    const top = Math.min(255, 2 * cap);
    if (r < 15) return 0;
    if (r < 80) return prng.int(0, Math.min(top, Math.max(1, cap >> 1)));
    return prng.int(0, top);
  };
  const header = (n: number): number => ((prng.u32() & 0xffff) | (n << 16) | ((prng.u32() & 0xff) << 24)) >>> 0;
  const arrayOf = (s: Subject, inMem: boolean): Uint32Array => (inMem ? s.inMemory : s.foreign);

  for (i = 0; i < count; i++) {
    const subjects = pick();
    const op = prng.int(0, 99);
    const inMem = prng.chance(0.4);
    const start = prng.int(0, 5);
    if (op < 30) {
      const n = words(),
        h = header(n),
        windowed = prng.chance(0.5),
        omit = n === 0 && prng.chance(0.5);
      desc = `put words=${n} ${inMem ? 'in memory' : 'foreign'} start=${start}`;
      for (let k = 0; k < n; k++) data[k] = prng.u32();
      const expected = model.put(h, data);
      for (const s of subjects) {
        const src = arrayOf(s, inMem);
        src.set(data.subarray(0, n), start);
        const got = windowed
          ? s.rb.put(h & 0xffff, h >>> 24, src, start, start + n)
          : s.rb.put(h & 0xffff, h >>> 24, omit ? undefined : src.subarray(start, start + n));
        same(`${s.name} put`, got, expected);
      }
    } else if (op < 62) {
      // get into a window of random room (sometimes too small), or discard.
      const discard = prng.chance(0.15),
        room = discard ? -1 : words();
      desc = `get room=${room} ${inMem ? 'in memory' : 'foreign'} start=${start}`;
      const sentinel = prng.u32(),
        span = start + Math.max(room, 0) + 4;
      want.fill(sentinel, 0, span);
      const expected = model.get(want, start, room);
      for (const s of subjects) {
        const dst = arrayOf(s, inMem);
        dst.fill(sentinel, 0, span);
        const got = discard ? s.rb.get() : s.rb.get(dst, start, start + room);
        same(`${s.name} get`, got, expected);
        if (got !== EAGAIN)
          same(
            `${s.name} header fields`,
            `${s.rb.itemType}/${s.rb.itemValue}/${s.rb.itemWords}`,
            `${model.header & 0xffff}/${model.header >>> 24}/${(model.header >>> 16) & 0xff}`,
          );
        sameElements(`${s.name} destination`, dst, want, 0, span);
      }
    } else if (op < 74) {
      // A batch of whole records, sometimes more than the staging area holds.
      const items = prng.int(0, prng.chance(0.1) ? 40 : 8);
      let n = start;
      for (let k = 0; k < items; k++) {
        const w = words();
        if (n + 1 + w > ROOM) break;
        data[n] = header(w);
        for (let j = 1; j <= w; j++) data[n + j] = prng.u32();
        n += 1 + w;
      }
      desc = `putBatch ${n - start} words ${inMem ? 'in memory' : 'foreign'} start=${start}`;
      const expected = model.putBatch(data.subarray(start), n - start);
      for (const s of subjects) {
        const src = arrayOf(s, inMem);
        src.set(data.subarray(start, n), start);
        same(`${s.name} putBatch`, s.rb.putBatch(src, start, n), expected);
      }
    } else if (op < 86) {
      const room = prng.chance(0.1) ? prng.int(0, 3) : prng.int(0, ROOM - 8);
      desc = `getBatch room=${room} ${inMem ? 'in memory' : 'foreign'} start=${start}`;
      const sentinel = prng.u32(),
        span = start + room + 4;
      want.fill(sentinel, 0, span);
      const expected = model.getBatch(want, start, room);
      for (const s of subjects) {
        const dst = arrayOf(s, inMem);
        dst.fill(sentinel, 0, span);
        const got = s.rb.getBatch(dst, start, start + room);
        same(`${s.name} getBatch`, got, expected);
        if (got === EMSGSIZE) same(`${s.name} itemWords after EMSGSIZE`, s.rb.itemWords, (model.header >>> 16) & 0xff);
        sameElements(`${s.name} destination`, dst, want, 0, span);
      }
    } else if (op < 96) {
      desc = 'queries';
      for (const s of subjects) same(`${s.name} capacity`, s.rb.capacity, cap);
    } else if (op < 98) {
      desc = 'reset';
      model.reset();
      for (const s of subjects) s.rb.reset();
    } else {
      // Counters just below 2^32 (or anywhere), so that the next items carry them across it.
      const v = prng.chance(0.7) ? (2 ** 32 - prng.int(1, 8 * cap + 8)) >>> 0 : prng.u32();
      desc = `internalReset 0x${v.toString(16)}`;
      model.reset();
      for (const s of subjects) s.rb.internalReset(v);
    }
    for (const s of subjects) {
      same(`${s.name} size`, s.rb.size, model.size);
      same(`${s.name} space`, s.rb.space, model.space);
      same(`${s.name} isEmpty`, s.rb.isEmpty, model.size === 0);
      const storage = new Uint32Array(s.rb.engine.memory.buffer, s.rb.storageAddress, cap);
      sameElements(`${s.name} storage`, storage, model.mem, 0, cap);
    }
  }
}

const capacities = [1, 2, 3, 5, 8, 17, 64, 256, 300, 1500];
// 10 x 12,000 = 120,000 ops per run; `npm run soak` (WRB_SOAK) multiplies it.
const OPS_PER_CAPACITY = 12_000 * soakScale();

describe(`item mode: random differential test (seed ${seed}; WRB_SEED=${seed} replays)`, () => {
  it.each(capacities.map((c, k) => [c, k]))('capacity %i words: wasm, js and the model in lockstep', async (cap, k) => {
    // Odd rounds use a shared memory, so both wasm builds are covered.
    const shared = k % 2 === 1;
    const subjects = await Promise.all(
      (['wasm', 'js'] as const).map(async (kind) => {
        const engine = await createEngine(kind, { shared });
        return subject(kind, engine, new ItemRingBuf(engine, cap));
      }),
    );
    run(new Prng((seed + k) >>> 0), new Model(cap), OPS_PER_CAPACITY, () => subjects, `capacity ${cap}`);
    expect(subjects[0].rb.size).toBe(subjects[1].rb.size);
  });

  it.each([3, 64, 1500].map((c, k) => [c, k]))(
    'capacity %i words: one buffer through a wasm and a js engine alternately',
    async (cap, k) => {
      const wasmEngine = await createEngine('wasm', { shared: true });
      const jsEngine = await createEngine('js', { memory: wasmEngine.memory });
      const viaWasm = subject('wasm', wasmEngine, new ItemRingBuf(wasmEngine, cap));
      const viaJs: Subject = { ...viaWasm, name: 'js', rb: ItemRingBuf.attach(jsEngine, viaWasm.rb.descriptor) };
      const prng = new Prng((seed + 100 + k) >>> 0);
      const one: Subject[] = [viaWasm];
      run(
        prng,
        new Model(cap),
        8_000,
        () => {
          // Each side has one handle at a time: the last one gives its sides back.
          const next = prng.chance(0.5) ? viaWasm : viaJs;
          if (next !== one[0]) releaseSides(one[0].rb);
          one[0] = next;
          return one;
        },
        `alternating engines, capacity ${cap}`,
      );
      expect(viaJs.rb.capacity).toBe(cap);
    },
  );
});

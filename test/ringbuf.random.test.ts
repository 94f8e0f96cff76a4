// Seeded random differential test: the wasm engine, the js engine and a
// small reference model run the same random operations in lockstep, and
// every result, count and byte read must agree after every operation.
// A failure names the seed and the op index; WRB_SEED=<seed> replays it.

import { describe, expect, it } from 'vitest';
import { createEngine, RingBuf, type Engine } from '../dist/bindings/index.js';
import { Prng, soakScale, testSeed } from './util/prng.js';
import { lockstep } from './util/lockstep.js';
import { releaseSides } from './util/internals.js';

const UINT32_MAX = 2 ** 32 - 1;
const seed = testSeed();

/**
 * Zephyr's ring_buf from the rules of docs/zephyr-semantics.md §1, written
 * independently of the implementation: positions are plain integers that
 * count bytes since the last reset and never wrap (the 32-bit counters, the
 * `base` fields and `internalReset`'s value are invisible by design, so the
 * model has none), and a storage offset is simply position mod capacity.
 */
class Model {
  readonly mem: Uint8Array;
  private putHead = 0; // end of space claimed by the producer
  private putTail = 0; // end of committed data
  private getHead = 0; // end of data claimed by the consumer
  private getTail = 0; // end of freed data
  putOffset = 0;
  getOffset = 0;
  /** Bytes write() left claimed: the handle's own count (RingBuf.unflushed). */
  unflushed = 0;

  constructor(readonly capacity: number) {
    this.mem = new Uint8Array(capacity);
  }

  get size(): number {
    return this.putTail - this.getHead;
  }
  get space(): number {
    return this.capacity - (this.putHead - this.getTail);
  }
  get putClaimed(): number {
    return this.putHead - this.putTail;
  }
  get getClaimed(): number {
    return this.getHead - this.getTail;
  }

  /** Grants up to the end of storage and no more than the free space. */
  putClaim(n: number): number {
    this.putOffset = this.putHead % this.capacity;
    const g = Math.min(n, this.capacity - this.putOffset, this.space);
    this.putHead += g;
    return g;
  }

  /** Zephyr's finish, final: commits n, returns the rest of the claims; false (nothing changes) beyond the claims. */
  private finish(n: number): boolean {
    if (n > this.putClaimed) return false;
    this.putTail += n;
    this.putHead = this.putTail;
    this.unflushed = 0;
    return true;
  }

  /** RingBuf.putFinish: pending writes first, then n claimed bytes. */
  putFinish(n: number): boolean {
    return this.finish(this.unflushed + n);
  }

  getClaim(n: number): number {
    this.getOffset = this.getHead % this.capacity;
    const g = Math.min(n, this.capacity - this.getOffset, this.size);
    this.getHead += g;
    return g;
  }

  getFinish(n: number): boolean {
    if (n > this.getClaimed) return false;
    this.getTail += n;
    this.getHead = this.getTail;
    return true;
  }

  /** Claims and fills until done or full; the bytes stay claimed. */
  private fillClaims(src: Uint8Array, n: number): number {
    let done = 0;
    while (done < n) {
      const g = this.putClaim(n - done);
      if (g === 0) break;
      this.mem.set(src.subarray(done, done + g), this.putOffset);
      done += g;
    }
    return done;
  }

  /**
   * ring_buf_put: claims until done or full, then one finish of the total;
   * after write()s, one finish of everything claimed, so they publish too.
   */
  put(src: Uint8Array, n: number): number {
    const pending = this.unflushed !== 0;
    const done = this.fillClaims(src, n);
    this.finish(pending ? this.putClaimed : done);
    return done;
  }

  /** RingBuf.write: put without the finish, flushing everything when short. */
  write(src: Uint8Array, n: number): number {
    const done = this.fillClaims(src, n);
    if (done < n) this.flush();
    else this.unflushed += done;
    return done;
  }

  /** RingBuf.flush: finishes every outstanding put claim. */
  flush(): number {
    const n = this.putClaimed;
    this.finish(n);
    return n;
  }

  /** ring_buf_get (dst null: discard) and ring_buf_peek (finish 0). */
  read(dst: Uint8Array | null, at: number, n: number, peek: boolean): number {
    let done = 0;
    while (done < n) {
      const g = this.getClaim(n - done);
      if (g === 0) break;
      dst?.set(this.mem.subarray(this.getOffset, this.getOffset + g), at + done);
      done += g;
    }
    this.getFinish(peek ? 0 : done);
    return done;
  }

  /** A handle giving back its sides (releaseSides): pending writes published, every claim cancelled. */
  release(): void {
    this.finish(this.unflushed);
    this.getFinish(0);
  }

  reset(): void {
    this.putHead = this.putTail = this.getHead = this.getTail = 0;
    this.unflushed = 0;
  }
}

/** One buffer under test, with arrays to copy from and into. */
interface Subject {
  name: string;
  rb: RingBuf;
  /** A second buffer whose storage serves as source/destination inside the engine's memory. */
  scratch: RingBuf;
  /** A source/destination outside the memory. */
  foreign: Uint8Array;
}

async function subject(name: string, engine: Engine, capacity: number): Promise<Subject> {
  const rb = new RingBuf(engine, capacity);
  const room = 2 * capacity + 32;
  return { name, rb, scratch: new RingBuf(engine, room), foreign: new Uint8Array(room) };
}

/**
 * Runs `count` random ops on `model` and, for each op, on the subjects
 * `pick` returns (all of them for a lockstep run, one for an alternating
 * run), comparing everything after every op.
 */
function run(prng: Prng, model: Model, count: number, pick: () => Subject[], label: string): void {
  const cap = model.capacity;
  const room = 2 * cap + 32;
  const data = new Uint8Array(room);
  const want = new Uint8Array(room);
  let i = 0;
  let desc = '';
  let storageDue = false;
  const { fail, same, sameElements } = lockstep(
    () => `${label}, seed ${seed} (WRB_SEED=${seed} replays), op #${i} ${desc}`,
  );
  /** A request size: often small, sometimes 0, sometimes beyond the capacity. */
  const size = (): number => {
    const r = prng.int(0, 99);
    if (r < 6) return 0;
    if (r < 70) return prng.int(1, Math.max(1, cap >> 1));
    if (r < 88) return prng.int(1, cap);
    return prng.int(cap, 2 * cap + 3);
  };
  const count32 = (): number => (prng.chance(0.05) ? UINT32_MAX : size());
  const fill = (n: number): void => {
    const a = prng.u32() & 0xff,
      step = prng.int(1, 255);
    for (let k = 0; k < n; k++) data[k] = (a + k * step) & 0xff;
  };
  const finishOutcome = (s: Subject, call: () => void): boolean => {
    try {
      call();
      return true;
    } catch (e) {
      if (!(e instanceof RangeError) || (e as { errno?: number }).errno !== -22)
        fail(`${s.name} finish error`, e, 'RangeError errno -22');
      return false;
    }
  };

  for (i = 0; i < count; i++) {
    const subjects = pick();
    const op = prng.int(0, 111);
    if (op >= 100) {
      // write (a put left pending), flush, or a zero wait for space (which
      // flushes first), from outside or inside the memory.
      const n = size(),
        inMem = prng.chance(0.4),
        start = prng.int(0, 7);
      if (op < 107) {
        desc = `write n=${n} ${inMem ? 'same-memory' : 'foreign'} start=${start}`;
        fill(n);
        const expected = model.write(data, n);
        for (const s of subjects) {
          const src = inMem ? s.scratch.storage : s.foreign;
          src.set(data.subarray(0, n), start);
          same(`${s.name} write`, s.rb.write(src, start, start + n), expected);
        }
      } else if (op < 110) {
        desc = 'flush';
        const expected = model.flush();
        for (const s of subjects) same(`${s.name} flush`, s.rb.flush(), expected);
      } else {
        const want = prng.int(1, cap);
        desc = `waitForSpace(0, ${want})`;
        if (model.unflushed !== 0) model.flush();
        for (const s of subjects) same(`${s.name} waitForSpace`, s.rb.waitForSpace(0, want), model.space >= want);
      }
    } else if (op < 20) {
      // put, from outside or inside the memory, whole array or window.
      const n = size(),
        inMem = prng.chance(0.4),
        windowed = prng.chance(0.5),
        start = prng.int(0, 7);
      desc = `put n=${n} ${inMem ? 'same-memory' : 'foreign'} ${windowed ? 'window' : 'subarray'} start=${start}`;
      fill(n);
      const expected = model.put(data, n);
      for (const s of subjects) {
        const src = inMem ? s.scratch.storage : s.foreign;
        src.set(data.subarray(0, n), start);
        same(
          `${s.name} put`,
          windowed ? s.rb.put(src, start, start + n) : s.rb.put(src.subarray(start, start + n)),
          expected,
        );
      }
    } else if (op < 42) {
      // get or peek; bytes outside the window must stay as they were.
      const peek = op >= 32,
        n = size(),
        inMem = prng.chance(0.4),
        windowed = prng.chance(0.5),
        start = prng.int(0, 7);
      desc = `${peek ? 'peek' : 'get'} n=${n} ${inMem ? 'same-memory' : 'foreign'} ${windowed ? 'window' : 'subarray'} start=${start}`;
      const span = start + n + 8;
      const sentinel = prng.u32() & 0xff;
      want.fill(sentinel, 0, span);
      const expected = model.read(want, start, n, peek);
      for (const s of subjects) {
        const dst = inMem ? s.scratch.storage : s.foreign;
        dst.fill(sentinel, 0, span);
        const got = windowed
          ? peek
            ? s.rb.peek(dst, start, start + n)
            : s.rb.get(dst, start, start + n)
          : peek
            ? s.rb.peek(dst.subarray(start, start + n))
            : s.rb.get(dst.subarray(start, start + n));
        same(`${s.name} ${peek ? 'peek' : 'get'}`, got, expected);
        sameElements(`${s.name} destination`, dst.subarray(0, span), want.subarray(0, span));
      }
    } else if (op < 47) {
      const n = count32();
      desc = `discard n=${n}`;
      const expected = model.read(null, 0, n, false);
      for (const s of subjects) same(`${s.name} discard`, s.rb.discard(n), expected);
    } else if (op < 61) {
      // putClaim, then write in place.
      const n = count32();
      desc = `putClaim n=${n}`;
      const g = model.putClaim(n);
      fill(g);
      model.mem.set(data.subarray(0, g), model.putOffset);
      for (const s of subjects) {
        same(`${s.name} putClaim`, s.rb.putClaim(n), g);
        same(`${s.name} putOffset`, s.rb.putOffset, model.putOffset);
        s.rb.storage.set(data.subarray(0, g), s.rb.putOffset);
      }
    } else if (op < 73) {
      const claimed = model.putClaimed - model.unflushed,
        valid = prng.chance(0.7);
      const n = valid ? prng.int(0, claimed) : claimed + prng.int(1, cap + 4);
      desc = `putFinish n=${n} (claimed ${claimed} after ${model.unflushed} written)`;
      const ok = model.putFinish(n);
      for (const s of subjects)
        same(
          `${s.name} putFinish succeeded`,
          finishOutcome(s, () => s.rb.putFinish(n)),
          ok,
        );
    } else if (op < 85) {
      // getClaim, then read in place.
      const n = count32();
      desc = `getClaim n=${n}`;
      const g = model.getClaim(n);
      for (const s of subjects) {
        same(`${s.name} getClaim`, s.rb.getClaim(n), g);
        same(`${s.name} getOffset`, s.rb.getOffset, model.getOffset);
        sameElements(
          `${s.name} claimed bytes`,
          s.rb.storage.subarray(s.rb.getOffset, s.rb.getOffset + g),
          model.mem.subarray(model.getOffset, model.getOffset + g),
        );
      }
    } else if (op < 95) {
      const claimed = model.getClaimed,
        valid = prng.chance(0.7);
      const n = valid ? prng.int(0, claimed) : claimed + prng.int(1, cap + 4);
      desc = `getFinish n=${n} (claimed ${claimed})`;
      const ok = model.getFinish(n);
      for (const s of subjects)
        same(
          `${s.name} getFinish succeeded`,
          finishOutcome(s, () => s.rb.getFinish(n)),
          ok,
        );
    } else if (op < 97) {
      desc = 'reset';
      model.reset();
      for (const s of subjects) s.rb.reset();
    } else {
      // Counters just below 2^32, so that the next bytes carry them across it.
      const r = prng.int(0, 2);
      const v = r === 0 ? 0xffffff00 + prng.int(0, 255) : r === 1 ? (2 ** 32 - prng.int(1, 2 * cap)) >>> 0 : prng.u32();
      desc = `internalReset 0x${v.toString(16)}`;
      model.reset();
      for (const s of subjects) s.rb.internalReset(v);
    }
    for (const s of subjects) {
      same(`${s.name} size`, s.rb.size, model.size);
      same(`${s.name} space`, s.rb.space, model.space);
      same(`${s.name} isEmpty`, s.rb.isEmpty, model.size === 0);
    }
    // Written bytes reach the storage when they are published (RingBuf
    // stages them), so the storage is compared when nothing is pending.
    if ((i & 1023) === 1023) storageDue = true;
    if (storageDue && model.unflushed === 0) {
      for (const s of subjects) sameElements(`${s.name} storage`, s.rb.storage, model.mem);
      storageDue = false;
    }
  }
  desc = 'final flush';
  const last = pick(); // before the model's flush: pending writes belong to the handle that made them
  model.flush();
  for (const s of last) {
    s.rb.flush();
    sameElements(`${s.name} storage`, s.rb.storage, model.mem);
  }
}

const capacities = [1, 2, 5, 7, 33, 64, 1000, 4096];
// 8 x 25,000 = 200,000 ops per run; `npm run soak` (WRB_SOAK) multiplies it.
const OPS_PER_CAPACITY = 25_000 * soakScale();

describe(`random differential test (seed ${seed}; WRB_SEED=${seed} replays)`, () => {
  it.each(capacities.map((c, k) => [c, k]))('capacity %i: wasm, js and the model in lockstep', async (cap, k) => {
    // Odd rounds use a shared memory, so both wasm builds (core.wasm and core.unshared.wasm) are covered.
    const shared = k % 2 === 1;
    const wasm = await subject('wasm', await createEngine('wasm', { shared }), cap);
    const js = await subject('js', await createEngine('js', { shared }), cap);
    const both = [wasm, js];
    run(new Prng((seed + k) >>> 0), new Model(cap), OPS_PER_CAPACITY, () => both, `capacity ${cap}`);
    expect(wasm.rb.size).toBe(js.rb.size);
  });

  it.each([3, 64, 4096].map((c, k) => [c, k]))(
    'capacity %i: one buffer through a wasm and a js engine alternately',
    async (cap, k) => {
      const wasmEngine = await createEngine('wasm');
      const jsEngine = await createEngine('js', { memory: wasmEngine.memory });
      const viaWasm = await subject('wasm', wasmEngine, cap);
      const viaJs: Subject = {
        name: 'js',
        rb: RingBuf.attach(jsEngine, viaWasm.rb.descriptor),
        scratch: RingBuf.attach(jsEngine, viaWasm.scratch.descriptor),
        foreign: new Uint8Array(2 * cap + 32),
      };
      const prng = new Prng((seed + 100 + k) >>> 0);
      const one: Subject[] = [viaWasm];
      const model = new Model(cap);
      run(
        prng,
        model,
        10_000 * soakScale(),
        () => {
          // Pending writes belong to the handle that wrote them (as a producer
          // thread's do), so engines change only between batches; each side
          // has one handle at a time, so the last one gives its sides back.
          if (model.unflushed === 0) {
            const next = prng.chance(0.5) ? viaWasm : viaJs;
            if (next !== one[0]) {
              releaseSides(one[0].rb);
              model.release();
              one[0] = next;
            }
          }
          return one;
        },
        `alternating engines, capacity ${cap}`,
      );
      expect(viaJs.rb.capacity).toBe(cap);
    },
  );
});

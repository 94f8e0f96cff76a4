// MpscPbuf's cross-thread waits (issue 12): a lock holder that is not
// running makes the others sleep, not spin; a producer asleep between alloc
// and commit, or a paused consumer, holds the others back and loses
// nothing; the main thread consumes with claimAsync; timed allocs end by
// their timeout. Worker roles: test/workers/roles.js.
import { describe, expect, it } from 'vitest';
import { MP_LOCK_OFF, MP_LOCK_WAITERS_OFF } from '../assembly/layout.js';
import { createEngine, type EngineKind, MpscPbuf } from '../dist/bindings/index.js';
import { present } from './util/present.js';
import { startRoles } from './util/threads.js';

const BOUND_MS = 90_000;
const WAIT_MS = 20_000;
const seed = Number(process.env.WRB_SEED ?? Date.now() % 2 ** 32);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `cond` every ms for up to 10 s; true once it holds. */
async function eventually(cond: () => boolean): Promise<boolean> {
  for (let t0 = performance.now(); performance.now() - t0 < 10_000; await sleep(1)) if (cond()) return true;
  return false;
}

/** Producers 0..n-1 (test/workers/roles.js mpscProducer: `count` packets each, timed allocs, no overwrite). */
function producerRoles(kinds: EngineKind[], pb: MpscPbuf, module: WebAssembly.Module | undefined, count: number) {
  const done = new SharedArrayBuffer(4);
  const common = { descriptor: pb.descriptor, module, count, overwrite: false, seed, waitMs: WAIT_MS, done };
  return kinds.map((kind, id) => ({ ...common, role: 'mpscProducer', kind, id, producers: kinds.length }));
}

/**
 * This (main) thread as the consumer, with claimAsync: claims until `total`
 * packets came, checking each producer's sequence numbers rise by 1 (the
 * header: id in bits 11..13, sequence from bit 14). Returns the tags of
 * packets from outside the producers (id 7), in order.
 */
async function consumeAsync(pb: MpscPbuf, producers: number, total: number): Promise<number[]> {
  const next = new Array(producers).fill(0);
  const others: number[] = [];
  for (let got = 0; got < total; got++) {
    const p = await pb.claimAsync(WAIT_MS);
    if (p === null) throw new Error(`nothing to claim for ${WAIT_MS} ms after ${got} packets`);
    const h = pb.words[p];
    const id = (h >>> 11) & 7;
    if (id === 7) others.push(h >>> 11);
    else {
      expect(h >>> 14).toBe(next[id]);
      next[id]++;
    }
    pb.free(p);
  }
  return others;
}

describe.each(['wasm', 'js'] as const)('MpscPbuf waits across threads, issue 12 (%s engine)', (kind) => {
  it('a thread that finds the lock held past its spin sleeps on the lock word, and the release wakes it', async () => {
    const engine = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(engine, 64, { lengthBits: 9 });
    const i32 = new Int32Array(engine.memory.buffer);
    const lock = (pb.address + MP_LOCK_OFF) >>> 2,
      waiters = (pb.address + MP_LOCK_WAITERS_OFF) >>> 2;
    // A holder that is not running (descheduled, as with more threads than cores).
    Atomics.store(i32, lock, 1);
    const { ready, done } = startRoles<{ put: boolean }>(
      [{ role: 'mpscDelayedPut', kind, module: engine.module, descriptor: pb.descriptor, delayMs: 0 }],
      BOUND_MS,
    );
    await ready;
    // The producer registers and sleeps instead of spinning.
    expect(await eventually(() => Atomics.load(i32, waiters) === 1)).toBe(true);
    // The holder's release, as unlock does it: store, then notify if someone sleeps.
    Atomics.store(i32, lock, 0);
    if (Atomics.load(i32, waiters) !== 0) Atomics.notify(i32, lock, 1);
    const [r] = await done;
    expect(r.put).toBe(true);
    expect(Atomics.load(i32, waiters)).toBe(0);
    expect(pb.words[present(pb.claim())] >>> 11).toBe(77);
  });

  it('a producer asleep between alloc and commit while two others produce: nothing lost, the async main-thread consumer resumes at its commit', async () => {
    const engine = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(engine, 256, { lengthBits: 9 });
    const slow = startRoles(
      [{ role: 'mpscSlowCommit', kind, module: engine.module, descriptor: pb.descriptor, delayMs: 2000 }],
      BOUND_MS,
    );
    await slow.ready; // its packet (tag 55: id 7) is allocated first
    const count = 3000;
    const others = startRoles(producerRoles(['wasm', 'js'], pb, engine.module, count), BOUND_MS);
    await others.ready;
    expect(await pb.claimAsync(20)).toBe(null); // the first packet is still uncommitted
    expect(await consumeAsync(pb, 2, 2 * count + 1)).toEqual([55]);
    await slow.done;
    await others.done;
    expect(pb.utilization).toBe(0);
  });

  it('a consumer paused while the buffer is full: the producers sleep, then deliver everything in order', async () => {
    const engine = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(engine, 512, { lengthBits: 9 });
    const count = 2000;
    const { ready, done } = startRoles(producerRoles(['js', 'wasm', 'js'], pb, engine.module, count), BOUND_MS);
    await ready;
    await sleep(300);
    expect(await consumeAsync(pb, 3, 3 * count)).toEqual([]);
    await done;
    expect(pb.utilization).toBe(0);
  });

  it('a consumer asleep in claim(Infinity) is woken by the next commit, round after round (one notify per round)', async () => {
    const engine = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(engine, 64, { lengthBits: 9 });
    const count = 100;
    const acked = new Int32Array(new SharedArrayBuffer(4));
    const { ready, done } = startRoles(
      [
        {
          role: 'mpscSleepyConsumer',
          kind,
          module: engine.module,
          descriptor: pb.descriptor,
          count,
          acked: acked.buffer,
        },
      ],
      BOUND_MS,
    );
    await ready;
    for (let i = 0; i < count; i++) {
      // Long enough for the consumer to give up polling and sleep before most commits.
      await sleep(2);
      const p = present(pb.alloc(2));
      pb.words[p] = (2 << 2) | (i << 11);
      pb.commit(p);
      // The next packet only once this one is freed: each round needs its own wake-up.
      expect(await eventually(() => Atomics.load(acked, 0) === i + 1)).toBe(true);
    }
    await done;
    expect(pb.utilization).toBe(0);
  });

  it('alloc(wlen, ms) and allocAsync(wlen, ms) on a full buffer end by their timeout, not before', async () => {
    const pb = new MpscPbuf(await createEngine(kind, { shared: true }), 64, { lengthBits: 9 });
    const p = present(pb.alloc(64));
    pb.words[p] = 64 << 2;
    pb.commit(p);
    let t0 = performance.now();
    expect(pb.alloc(8, 30)).toBe(null);
    let ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(29);
    expect(ms).toBeLessThan(2_000);
    t0 = performance.now();
    expect(await pb.allocAsync(8, 30)).toBe(null);
    ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(29);
    expect(ms).toBeLessThan(2_000);
  });
});

// MpscPbuf across threads: three producer threads and one consumer thread on
// one buffer in a shared memory, on either engine and mixed. Every packet
// says who sent it and its sequence number, and carries a checksum.
import { describe, expect, it } from 'vitest';
import { createEngine, MpscPbuf, type EngineKind } from '../dist/bindings/index.js';
import { startRoles } from './util/threads.js';
import { present } from './util/present.js';

const BOUND_MS = 90_000;
/** A thread that makes no progress this long is stuck: it fails. */
const WAIT_MS = 20_000;
const COUNT = 200_000;
/** Per producer with 4 or 8 of them: the same order of total packets on 2 cores. */
const COUNT_MANY = 50_000;
const seed = Number(process.env.WRB_SEED ?? Date.now() % 2 ** 32);

interface ProducerResult {
  id: number;
  naps: number;
  dropCalls: number;
  drops: Uint8Array[];
}
interface ConsumerResult {
  packets: number;
  delivered: Uint8Array[];
  dropped: number;
}

async function stress(
  producerKinds: EngineKind[],
  consumerKind: EngineKind,
  size: number,
  overwrite: boolean,
  count = COUNT,
) {
  const engine = await createEngine('wasm', { shared: true });
  const pb = new MpscPbuf(engine, size, { overwrite, lengthBits: 9 });
  const common = {
    descriptor: pb.descriptor,
    module: engine.module,
    count,
    overwrite,
    seed,
    waitMs: WAIT_MS,
    producers: producerKinds.length,
    done: new SharedArrayBuffer(4),
  };
  const { done } = startRoles<ProducerResult | ConsumerResult>(
    [
      { ...common, role: 'mpscConsumer', kind: consumerKind },
      ...producerKinds.map((kind, id) => ({ ...common, role: 'mpscProducer', kind, id })),
    ],
    BOUND_MS,
  );
  const [consumer, ...producers] = await done;
  return { pb, consumer: consumer as ConsumerResult, producers: producers as ProducerResult[] };
}

/** For every producer and sequence number: times delivered + times dropped (by any producer). */
function outcomes(
  consumer: ConsumerResult,
  producers: ProducerResult[],
  count = COUNT,
): { id: number; seq: number; n: number }[] {
  const bad = [];
  for (let id = 0; id < producers.length; id++) {
    for (let seq = 0; seq < count; seq++) {
      let n = consumer.delivered[id][seq];
      for (const p of producers) n += p.drops[id][seq];
      if (n !== 1) bad.push({ id, seq, n });
    }
  }
  return bad;
}

describe(`MpscPbuf: 4 and 8 producer threads (more threads than cores), 1 consumer thread (seed ${seed})`, () => {
  it.each([
    [['wasm', 'js', 'wasm', 'js'], 'wasm', 4096, false],
    [['wasm', 'js', 'wasm', 'js', 'js', 'wasm', 'js', 'wasm'], 'js', 4096, false],
    [['js', 'wasm', 'js', 'wasm'], 'js', 1024, true],
    [['wasm', 'wasm', 'js', 'js', 'wasm', 'wasm', 'js', 'js'], 'wasm', 1024, true],
    // Barely over the largest packet (48 words), and not a power of two: a
    // skip packet pads the end of almost every lap, and producers that find
    // no room pass it at rd while the lock-free consumer may be passing it too.
    [['wasm', 'js', 'js', 'wasm'], 'wasm', 61, false],
    [['js', 'wasm', 'wasm', 'js'], 'js', 61, false],
  ] as const)(
    'producers %j, consumer %s, %i words, overwrite %s: every packet accounted for once',
    async (pk, ck, size, ow) => {
      const { pb, consumer, producers } = await stress([...pk], ck, size, ow, COUNT_MANY);
      const dropCalls = producers.reduce((a, p) => a + p.dropCalls, 0);
      expect(outcomes(consumer, producers, COUNT_MANY).slice(0, 5)).toEqual([]);
      expect(consumer.packets + dropCalls).toBe(pk.length * COUNT_MANY);
      expect(pb.dropped).toBe(dropCalls);
      if (!ow) expect(dropCalls).toBe(0);
      expect(pb.utilization).toBe(0);
    },
  );
});

describe(`MpscPbuf: 3 producer threads x ${COUNT} packets, 1 consumer thread (seed ${seed})`, () => {
  it.each([
    [['wasm', 'wasm', 'wasm'], 'wasm'],
    [['js', 'js', 'js'], 'js'],
    [['wasm', 'js', 'wasm'], 'js'],
  ] as const)('no overwrite, producers %j, consumer %s: every packet once, in order, intact', async (pk, ck) => {
    const { pb, consumer, producers } = await stress([...pk], ck, 4096, false);
    expect(consumer.packets).toBe(3 * COUNT);
    expect(outcomes(consumer, producers).slice(0, 5)).toEqual([]);
    expect(consumer.dropped).toBe(0);
    expect(pb.utilization).toBe(0);
  });

  it.each([
    [['wasm', 'wasm', 'wasm'], 'wasm'],
    [['js', 'wasm', 'js'], 'wasm'],
  ] as const)(
    'overwrite, producers %j, consumer %s: delivered + dropped = produced, never both, never torn',
    async (pk, ck) => {
      const { pb, consumer, producers } = await stress([...pk], ck, 1024, true);
      const dropCalls = producers.reduce((a, p) => a + p.dropCalls, 0);
      expect(outcomes(consumer, producers).slice(0, 5)).toEqual([]);
      expect(consumer.packets + dropCalls).toBe(3 * COUNT);
      expect(pb.dropped).toBe(dropCalls);
      expect(dropCalls).toBeGreaterThan(0);
      expect(pb.utilization).toBe(0);
    },
  );
});

describe.each(['wasm', 'js'] as const)('MpscPbuf waits across threads (%s engine)', (kind) => {
  it('producers blocked in alloc(wlen, ms) wake when the consumer frees room, well before the timeout', async () => {
    const engine = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(engine, 64, { lengthBits: 9 });
    for (let i = 0; i < 4; i++) {
      const p = present(pb.alloc(16));
      pb.words[p] = 16 << 2;
      pb.commit(p);
    }
    expect(pb.alloc(16)).toBe(null);
    const role = {
      role: 'mpscBlockedAlloc',
      kind,
      module: engine.module,
      descriptor: pb.descriptor,
      wlen: 16,
      waitMs: 10_000,
    };
    const { ready, done } = startRoles<{ p: number | null; ms: number }>([role, role], BOUND_MS);
    await ready;
    // Both are asleep (or about to be): one free makes room for one of them,
    // the next free for the other.
    for (let i = 0; i < 2; i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
      const q = present(pb.claim());
      pb.free(q);
    }
    const results = await done;
    for (const r of results) {
      expect(r.p).not.toBe(null);
      expect(r.ms).toBeLessThan(5_000);
    }
    expect(pb.utilization).toBe(64 * 4);
  });

  it('claim(ms) sleeps until a producer thread commits', async () => {
    const engine = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(engine, 64, { lengthBits: 9 });
    const { ready, done } = startRoles(
      [{ role: 'mpscDelayedPut', kind, module: engine.module, descriptor: pb.descriptor, delayMs: 50 }],
      BOUND_MS,
    );
    await ready;
    const t0 = performance.now();
    const p = pb.claim(10_000);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(p).not.toBe(null);
    expect(pb.words[present(p)] >>> 11).toBe(77);
    pb.free(present(p));
    await done;
  });

  it('a producer asleep between alloc and commit holds the others back, loses nothing, and the async main-thread consumer resumes at its commit', async () => {
    const engine = await createEngine(kind, { shared: true });
    const pb = new MpscPbuf(engine, 64, { lengthBits: 9 });
    const { ready, done } = startRoles(
      [{ role: 'mpscSlowCommit', kind, module: engine.module, descriptor: pb.descriptor, delayMs: 200 }],
      BOUND_MS,
    );
    await ready;
    // The slow packet is allocated first: these ten come after it.
    for (let i = 0; i < 10; i++) expect(pb.putWord(1 | (1 << 2) | (i << 11))).toBe(true);
    expect(await pb.claimAsync(20)).toBe(null); // its timeout ends it: the first packet is uncommitted
    const t0 = performance.now();
    const tags: number[] = [];
    for (let i = 0; i < 11; i++) {
      const p = present(await pb.claimAsync(10_000));
      tags.push(pb.words[p] >>> 11);
      pb.free(p);
    }
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(tags).toEqual([55, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pb.utilization).toBe(0);
    await done;
  });

  it('claim(ms) and claimAsync(ms) end by their timeout on an empty buffer', async () => {
    const pb = new MpscPbuf(await createEngine(kind, { shared: true }), 64);
    let t0 = performance.now();
    expect(pb.claim(30)).toBe(null);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    t0 = performance.now();
    expect(await pb.claimAsync(30)).toBe(null);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(() => pb.claim(-1)).toThrow(RangeError);
  });

  it('claimAsync(ms) resolves when the same thread commits to an unshared buffer (polling)', async () => {
    const pb = new MpscPbuf(await createEngine(kind), 64);
    setTimeout(() => pb.putWord(1 | (1 << 2)), 20);
    const p = await pb.claimAsync(10_000);
    expect(p).not.toBe(null);
  });
});

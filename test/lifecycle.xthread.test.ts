// The lifecycle across threads, on both engines and mixed: every byte,
// item and packet committed before a close reaches the consumer in
// another thread, which then sees end-of-stream; and an abort wakes a
// blocked producer or consumer (a sync wait in a worker, an async wait on
// this thread) within milliseconds although every wait has a 10 s bound.
// The abort lands a random few microseconds after the waiter announced
// itself, many times over, to hit the moment between the waiter's last
// look at the state and its sleep, where a wake-up could be lost.
import { describe, expect, it } from 'vitest';
import {
  BufferAbortedError,
  createEngine,
  type Engine,
  type EngineKind,
  ItemRingBuf,
  MpscPbuf,
  RingBuf,
} from '../dist/bindings/index.js';
import { Prng } from './util/prng.js';
import { runRoles, startRoles } from './util/threads.js';

const BOUND_MS = 50_000;
/** Every wait's bound: a lost wake-up shows as a wait this long. */
const WAIT_MS = 10_000;
/** A woken wait must end well before its bound: within this, far above a wake-up's cost, far below WAIT_MS. */
const WOKEN_MS = 1_000;
const ROUNDS = 200;
const seed = Number(process.env.WRB_SEED ?? Date.now() % 2 ** 32);

const pairs: [EngineKind, EngineKind][] = [
  ['wasm', 'wasm'],
  ['js', 'js'],
  ['wasm', 'js'],
  ['js', 'wasm'],
];

describe.each(pairs)('end-of-stream across threads: producer %s, consumer %s', (producerKind, consumerKind) => {
  it('RingBuf: every byte put, written or claimed before the close arrives (checksum), then ended', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 4093);
    const common = { descriptor: rb.descriptor, module: engine.module, seed, waitMs: WAIT_MS, total: 2_000_000 };
    const [source, sink] = await runRoles<{ bytes: number; hash: number }>(
      [
        { ...common, role: 'lcByteSource', kind: producerKind },
        { ...common, role: 'lcByteSink', kind: consumerKind },
      ],
      BOUND_MS,
    );
    expect(sink).toEqual(source);
    expect(rb.ended).toBe(true);
  });

  it('ItemRingBuf: every item put before the close arrives (checksum), then ended', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new ItemRingBuf(engine, 509);
    const common = { descriptor: rb.descriptor, module: engine.module, seed, waitMs: WAIT_MS, count: 50_000 };
    const [source, sink] = await runRoles<{ items: number; hash: number }>(
      [
        { ...common, role: 'lcItemSource', kind: producerKind },
        { ...common, role: 'lcItemSink', kind: consumerKind },
      ],
      BOUND_MS,
    );
    expect(sink).toEqual(source);
  });

  it('MpscPbuf: three producers, the last one to finish closes the buffer; every packet arrives, then ended', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const pb = new MpscPbuf(engine, 256);
    const common = {
      descriptor: pb.descriptor,
      module: engine.module,
      waitMs: WAIT_MS,
      count: 20_000,
      producers: 3,
      doneWord: new SharedArrayBuffer(4),
    };
    const results = await runRoles<{ next?: number[]; closer?: boolean }>(
      [
        { ...common, role: 'lcPacketSink', kind: consumerKind },
        ...[0, 1, 2].map((id) => ({
          ...common,
          role: 'lcPacketSource',
          kind: id === 1 ? consumerKind : producerKind,
          id,
        })),
      ],
      BOUND_MS,
    );
    expect(results[0].next).toEqual([20_000, 20_000, 20_000]);
    expect(results.slice(1).filter((r) => r.closer).length).toBe(1);
    expect(pb.ended).toBe(true);
  });
});

type Op = 'data' | 'space' | 'claim' | 'alloc';
type Handle = RingBuf | ItemRingBuf | MpscPbuf;

/**
 * ROUNDS fresh buffers for `op`, each in the state that makes that wait
 * block: empty for data and claim, full for space and alloc.
 */
function blockingBuffers(engine: Engine, cls: 'RingBuf' | 'ItemRingBuf' | 'MpscPbuf', op: Op): Handle[] {
  const out: Handle[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (cls === 'RingBuf') {
      const rb = new RingBuf(engine, 64);
      if (op === 'space') rb.put(new Uint8Array(64));
      out.push(rb);
    } else if (cls === 'ItemRingBuf') {
      const rb = new ItemRingBuf(engine, 16);
      if (op === 'space') rb.put(1, 0, new Uint32Array(15));
      out.push(rb);
    } else {
      const pb = new MpscPbuf(engine, 16);
      if (op === 'alloc') while (pb.putWord(1 | (1 << 2)));
      out.push(pb);
    }
  }
  return out;
}

function attach(engine: Engine, h: Handle): Handle {
  const d = h.descriptor;
  if (d.type === 'RingBuf') return RingBuf.attach(engine, d);
  if (d.type === 'ItemRingBuf') return ItemRingBuf.attach(engine, d);
  return MpscPbuf.attach(engine, d);
}

function waitAsync(h: Handle, op: Op): Promise<unknown> {
  if (op === 'data') return (h as RingBuf).waitForDataAsync(WAIT_MS);
  if (op === 'space') return (h as RingBuf).waitForSpaceAsync(WAIT_MS);
  if (op === 'claim') return (h as MpscPbuf).claimAsync(WAIT_MS);
  return (h as MpscPbuf).allocAsync(1, WAIT_MS);
}

const cases: ['RingBuf' | 'ItemRingBuf' | 'MpscPbuf', Op, EngineKind, EngineKind][] = [];
for (const [cls, ops] of [
  ['RingBuf', ['data', 'space']],
  ['ItemRingBuf', ['data', 'space']],
  ['MpscPbuf', ['claim', 'alloc']],
] as const) {
  for (const op of ops) for (const [a, b] of pairs) cases.push([cls, op, a, b]);
}

describe.each(cases)(
  'abort wakes every wait at once: %s %s, waiter %s, aborter %s',
  (cls, op, waiterKind, aborterKind) => {
    it(`a sync wait in a worker, aborted by this thread ${ROUNDS} times: each wakes within ${WOKEN_MS} ms (bound ${WAIT_MS})`, async () => {
      const engine = await createEngine('wasm', { shared: true });
      const mine = await createEngine(aborterKind, { memory: engine.memory });
      const buffers = blockingBuffers(engine, cls, op).map((h) => attach(mine, h));
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { ready, done } = startRoles<{ ms: number[] }>(
        [
          {
            role: 'lcBlocked',
            kind: waiterKind,
            op,
            memory: engine.memory,
            module: engine.module,
            descriptors: buffers.map((b) => b.descriptor),
            flag: flag.buffer,
            waitMs: WAIT_MS,
          },
        ],
        BOUND_MS,
      );
      await ready;
      const rand = new Prng(seed);
      for (let i = 0; i < ROUNDS; i++) {
        // The worker stores i + 1 just before it blocks on buffer i. Spin on
        // it (a sleep would add its own wake-up latency of tens of us), then
        // abort within the next 20 us: around the end of the waiter's 10 us
        // watch, when it registers, looks at the state one last time and sleeps.
        const t0 = performance.now();
        while (Atomics.load(flag, 0) < i + 1) {
          if (performance.now() - t0 > WAIT_MS) throw new Error(`the worker never reached wait #${i}`);
        }
        const until = performance.now() + rand.int(0, 20) / 1000;
        while (performance.now() < until);
        buffers[i].abort(i + 1);
      }
      const [{ ms }] = await done;
      expect(ms.length).toBe(ROUNDS);
      expect(Math.max(...ms)).toBeLessThan(WOKEN_MS);
    });

    it(`an async wait on this thread, aborted by a worker ${ROUNDS} times: each rejects within ${WOKEN_MS} ms`, async () => {
      const engine = await createEngine('wasm', { shared: true });
      const mine = await createEngine(waiterKind, { memory: engine.memory });
      const buffers = blockingBuffers(engine, cls, op).map((h) => attach(mine, h));
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { ready, done } = startRoles(
        [
          {
            role: 'lcAborter',
            kind: aborterKind,
            memory: engine.memory,
            module: engine.module,
            descriptors: buffers.map((b) => b.descriptor),
            flag: flag.buffer,
            waitMs: WAIT_MS,
            seed,
          },
        ],
        BOUND_MS,
      );
      await ready;
      let slowest = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const t0 = performance.now();
        const wait = waitAsync(buffers[i], op).then(
          () => new Error(`wait #${i} resolved instead of rejecting`),
          (e: unknown) => e,
        );
        // The wait has registered (its synchronous part ran): let the worker abort.
        Atomics.store(flag, 0, i + 1);
        Atomics.notify(flag, 0);
        const e = await wait;
        expect(e).toBeInstanceOf(BufferAbortedError);
        expect((e as BufferAbortedError).code).toBe(i + 1);
        slowest = Math.max(slowest, performance.now() - t0);
      }
      await done;
      expect(slowest).toBeLessThan(WOKEN_MS);
    });
  },
);

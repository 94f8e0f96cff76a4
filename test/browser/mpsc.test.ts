// MpscPbuf across threads in Chromium: three Web Workers (wasm and js
// engines mixed) produce into one buffer while the page's main thread
// consumes without blocking. Every packet is accounted for: received intact
// and in order per producer, or (overwrite) counted as dropped.
import { describe, expect, test } from 'vitest';
import { createEngine, MpscPbuf } from '../../dist/bindings/index.js';
import { type MpscConsumerResult, type MpscProducerResult, role } from './roles.js';

const PRODUCERS = ['wasm', 'js', 'wasm'] as const;
const COUNT = 4_000;

/** Yields to the event loop without setTimeout's 4 ms clamp: the main thread may not block. */
const channel = new MessageChannel();
function yieldNow(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });
}

interface Outcome {
  received: number[];
  bad: string[];
  refused: number;
  dropped: number;
  lost: number;
  pending: boolean;
}

async function run(consumer: 'wasm' | 'js', size: number, overwrite: boolean): Promise<Outcome> {
  const engine = await createEngine('wasm', { shared: true });
  const made = new MpscPbuf(engine, size, { overwrite, lengthBits: 8 });
  const pb =
    consumer === 'wasm' ? made : MpscPbuf.attach(await createEngine('js', { memory: engine.memory }), made.descriptor);
  const workers = PRODUCERS.map(
    () => new Worker(new URL('./workers/mpsc-producer.js', import.meta.url), { type: 'module' }),
  );
  const done: { refused: number }[] = [];
  const failed: string[] = [];
  workers.forEach((w, id) => {
    w.onmessage = (e) => (e.data.error ? failed.push(`worker ${id}: ${e.data.error}`) : done.push(e.data));
    w.onerror = (e) => failed.push(`worker ${id}: ${e.message}`);
    w.postMessage({
      kind: PRODUCERS[id],
      module: engine.module,
      descriptor: made.descriptor,
      id,
      count: COUNT,
      overwrite,
    });
  });
  const next = PRODUCERS.map(() => 0);
  const received = PRODUCERS.map(() => 0);
  const bad: string[] = [];
  try {
    for (;;) {
      const p = pb.claim();
      if (p === null) {
        // Finished only when every producer has reported and nothing is left.
        if (done.length === PRODUCERS.length && pb.claim() === null) break;
        if (failed.length) throw new Error(failed.join('; '));
        await yieldNow();
        continue;
      }
      const w = pb.words;
      const id = w[p] >>> 10;
      const len = (w[p] >>> 2) & 0xff;
      const seq = w[p + 1];
      if (id >= PRODUCERS.length || len !== 2 + ((seq * 7 + id) % 7))
        bad.push(`header 0x${w[p].toString(16)} seq ${seq}`);
      else if (overwrite ? seq < next[id] : seq !== next[id])
        bad.push(`producer ${id}: seq ${seq}, expected ${next[id]}`);
      for (let j = 2; j < len; j++)
        if (w[p + j] !== (seq * 31 + id * 7 + j) >>> 0) bad.push(`producer ${id} seq ${seq} word ${j}`);
      next[id] = seq + 1;
      received[id]++;
      pb.free(p);
      if (bad.length > 10) break;
    }
  } finally {
    for (const w of workers) w.terminate();
  }
  const refused = done.reduce((a, d) => a + d.refused, 0);
  return { received, bad, refused, dropped: pb.dropped, lost: pb.lost, pending: pb.isPending };
}

describe('MpscPbuf, 3 Web Worker producers (wasm, js, wasm), consumer on the main thread', () => {
  test.each([
    ['wasm', 256],
    ['js', 1000],
  ] as const)(
    'without overwrite every packet arrives, in order and intact (%s consumer, %i words)',
    async (consumer, size) => {
      const r = await run(consumer, size, false);
      expect(r.bad).toEqual([]);
      expect(r.received).toEqual(PRODUCERS.map(() => COUNT));
      expect(r.dropped).toBe(0);
      // The only refusals are putData calls that found no room and were retried; the buffer counted each one.
      expect(r.lost).toBe(r.refused);
      expect(r.pending).toBe(false);
    },
  );

  test.each(['wasm', 'js'] as const)(
    'with overwrite every packet is received or counted as dropped (%s consumer)',
    async (consumer) => {
      const r = await run(consumer, 256, true);
      expect(r.bad).toEqual([]);
      expect(r.received.reduce((a, b) => a + b) + r.dropped).toBe(PRODUCERS.length * COUNT);
      expect(r.pending).toBe(false);
    },
  );
});

// The Node stress test's roles (test/workers/roles.js), in Web Workers: three
// producers (alloc+commit, putData, putWord, putWordExt, 1 to 48 words) and a
// consumer worker that checks every packet's words and order.
describe('MpscPbuf, 3 Web Worker producers and a Web Worker consumer (the Node stress roles)', () => {
  const N = 20_000;
  const seed = 1234;

  async function stress(
    producerKinds: ('wasm' | 'js')[],
    consumerKind: 'wasm' | 'js',
    size: number,
    overwrite: boolean,
  ) {
    const engine = await createEngine('wasm', { shared: true });
    const pb = new MpscPbuf(engine, size, { overwrite, lengthBits: 9 });
    const common = {
      descriptor: pb.descriptor,
      module: engine.module,
      count: N,
      overwrite,
      seed,
      waitMs: 10_000,
      producers: producerKinds.length,
      done: new SharedArrayBuffer(4),
    };
    const [consumer, ...producers] = await Promise.all([
      role<MpscConsumerResult>({ ...common, role: 'mpscConsumer', kind: consumerKind }),
      ...producerKinds.map((kind, id) => role<MpscProducerResult>({ ...common, role: 'mpscProducer', kind, id })),
    ]);
    // Every (producer, sequence number): delivered once or dropped once, never both, never neither.
    const wrong: string[] = [];
    producerKinds.forEach((_, id) => {
      for (let seq = 0; seq < N && wrong.length < 5; seq++) {
        const n = consumer.delivered[id][seq] + producers.reduce((a, p) => a + p.drops[id][seq], 0);
        if (n !== 1) wrong.push(`producer ${id} packet ${seq}: ${n} times`);
      }
    });
    return { pb, consumer, dropCalls: producers.reduce((a, p) => a + p.dropCalls, 0), wrong };
  }

  test('no overwrite, producers wasm/js/wasm, consumer js: every packet once, in order, intact', async () => {
    const r = await stress(['wasm', 'js', 'wasm'], 'js', 1024, false);
    expect(r.wrong).toEqual([]);
    expect(r.consumer.packets).toBe(3 * N);
    expect(r.consumer.dropped).toBe(0);
    expect(r.pb.utilization).toBe(0);
  });

  test('overwrite, producers js/wasm/js, consumer wasm: delivered + dropped = produced', async () => {
    const r = await stress(['js', 'wasm', 'js'], 'wasm', 512, true);
    expect(r.wrong).toEqual([]);
    expect(r.consumer.packets + r.dropCalls).toBe(3 * N);
    expect(r.pb.dropped).toBe(r.dropCalls);
    expect(r.pb.utilization).toBe(0);
  });
});

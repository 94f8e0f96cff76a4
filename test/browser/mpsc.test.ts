// MpscPbuf across threads in Chromium: three Web Workers (wasm and js
// engines mixed) produce into one buffer while the page's main thread
// consumes without blocking. Every packet is accounted for: received intact
// and in order per producer, or (overwrite) counted as dropped.
import { describe, expect, test } from 'vitest';
import { createEngine, MpscPbuf } from '../../dist/bindings/index.js';

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
  const pb = consumer === 'wasm' ? made : MpscPbuf.attach(await createEngine('js', { memory: engine.memory }), made.descriptor);
  const workers = PRODUCERS.map(() => new Worker(new URL('./workers/mpsc-producer.js', import.meta.url), { type: 'module' }));
  const done: { refused: number }[] = [];
  const failed: string[] = [];
  workers.forEach((w, id) => {
    w.onmessage = (e) => (e.data.error ? failed.push(`worker ${id}: ${e.data.error}`) : done.push(e.data));
    w.onerror = (e) => failed.push(`worker ${id}: ${e.message}`);
    w.postMessage({ kind: PRODUCERS[id], module: engine.module, descriptor: made.descriptor, id, count: COUNT, overwrite });
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
      if (id >= PRODUCERS.length || len !== 2 + ((seq * 7 + id) % 7)) bad.push(`header 0x${w[p].toString(16)} seq ${seq}`);
      else if (overwrite ? seq < next[id] : seq !== next[id]) bad.push(`producer ${id}: seq ${seq}, expected ${next[id]}`);
      for (let j = 2; j < len; j++) if (w[p + j] !== (seq * 31 + id * 7 + j) >>> 0) bad.push(`producer ${id} seq ${seq} word ${j}`);
      next[id] = seq + 1;
      received[id]++;
      pb.free(p);
      if (bad.length > 10) break;
    }
  } finally {
    workers.forEach((w) => w.terminate());
  }
  const refused = done.reduce((a, d) => a + d.refused, 0);
  return { received, bad, refused, dropped: pb.dropped, lost: pb.lost, pending: pb.isPending };
}

describe.each(['wasm', 'js'] as const)('MpscPbuf, 3 Web Worker producers, main-thread consumer on %s', (consumer) => {
  test.each([256, 1000])('without overwrite every packet arrives, in order and intact (%i words)', async (size) => {
    const r = await run(consumer, size, false);
    expect(r.bad).toEqual([]);
    expect(r.received).toEqual(PRODUCERS.map(() => COUNT));
    expect(r.dropped).toBe(0);
    // The only refusals are putData calls that found no room and were retried; the buffer counted each one.
    expect(r.lost).toBe(r.refused);
    expect(r.pending).toBe(false);
  });

  test('with overwrite every packet is received or counted as dropped', async () => {
    const r = await run(consumer, 256, true);
    expect(r.bad).toEqual([]);
    expect(r.received.reduce((a, b) => a + b) + r.dropped).toBe(PRODUCERS.length * COUNT);
    expect(r.pending).toBe(false);
  });
});

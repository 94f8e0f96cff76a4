// Waiting across threads in Chromium. The page's main thread may not block
// (Atomics.wait throws there), so it waits with the Async forms, which must
// resolve when a Web Worker changes the buffer and keep the page responsive
// meanwhile. Workers may block: two of them stream through the blocking forms.
// The roles come from test/workers/roles.js, shared with the Node tests.
import { describe, expect, test, vi } from 'vitest';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { role, type StreamResult } from './roles.js';
import { MAX_PAYLOAD, fnv, writeFrame } from '../workers/roles.js';
import { present } from '../util/present.js';

const WAIT_MS = 5_000;
// A lost wake-up shows as a bounded wait failing, well before this.
vi.setConfig({ testTimeout: 20_000 });

/** Counts event-loop turns until stopped: proof that this thread is not blocked. */
function ticker() {
  let ticks = 0;
  let on = true;
  const tick = () => {
    if (!on) return;
    ticks++;
    setTimeout(tick, 0);
  };
  tick();
  return () => {
    on = false;
    return ticks;
  };
}

describe.each(['wasm', 'js'] as const)('waits on the main thread (%s engine)', (kind) => {
  async function ring(capacity: number) {
    const engine = await createEngine(kind, { shared: true, module: undefined });
    const wasm = kind === 'wasm' ? engine : await createEngine('wasm', { memory: engine.memory });
    return { rb: new RingBuf(engine, capacity), module: wasm.module };
  }

  test('waitForData (blocking) refuses to run here and names the Async form', async () => {
    const { rb } = await ring(64);
    expect(() => rb.waitForData(10)).toThrow(/waitForData cannot block on this thread.*waitForDataAsync/);
    rb.put(new Uint8Array(64)); // full: the wait would have to sleep
    expect(() => rb.waitForSpace(10)).toThrow(/waitForSpace cannot block on this thread.*waitForSpaceAsync/);
  });

  test('waitForDataAsync resolves when a worker puts, and the page keeps running meanwhile', async () => {
    const { rb, module } = await ring(64);
    const stop = ticker();
    const t0 = performance.now();
    const [woken, put] = await Promise.all([
      rb.waitForDataAsync(WAIT_MS, 16),
      role({ role: 'delayedPut', kind: 'wasm', module, descriptor: rb.descriptor, delayMs: 300, bytes: 16 }),
    ]);
    const elapsed = performance.now() - t0;
    const ticks = stop();
    expect(put).toEqual({ put: 16 });
    expect(woken).toBe(true);
    expect(rb.size).toBe(16);
    expect(elapsed).toBeLessThan(WAIT_MS);
    expect(ticks).toBeGreaterThan(5); // setTimeout(0) kept running during the ~300 ms wait (a blocked thread: 0 or 1)
  });

  test('waitForSpaceAsync resolves when a worker frees space', async () => {
    const { rb, module } = await ring(64);
    expect(rb.put(new Uint8Array(64))).toBe(64);
    const [woken, got] = await Promise.all([
      rb.waitForSpaceAsync(WAIT_MS, 40),
      role({ role: 'delayedGet', kind: 'js', module, descriptor: rb.descriptor, delayMs: 200, bytes: 40 }),
    ]);
    expect(got).toEqual({ got: 40 });
    expect(woken).toBe(true);
    expect(rb.space).toBe(40);
  });

  test('a wait that nobody ends resolves false after its timeout', async () => {
    const { rb } = await ring(64);
    const t0 = performance.now();
    expect(await rb.waitForDataAsync(150)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  test('the main thread consumes a Web Worker stream with waitForDataAsync, every frame checked', async () => {
    const { rb, module } = await ring(4096);
    const total = 1_000_000;
    const producer = role({
      role: 'bytesProducer',
      kind,
      module,
      descriptor: rb.descriptor,
      total,
      seed: 7,
      waitMs: WAIT_MS,
    });
    const frame = new Uint8Array(MAX_PAYLOAD + 12);
    const expected = new Uint8Array(MAX_PAYLOAD + 12);
    const dv = new DataView(frame.buffer);
    let got = 0;
    let seq = 0;
    const read = async (at: number, n: number) => {
      for (let done = 0; done < n; ) {
        const g = rb.get(frame, at + done, at + n);
        done += g;
        if (g === 0 && !(await rb.waitForDataAsync(WAIT_MS)))
          throw new Error(`frame ${seq}: no data within ${WAIT_MS} ms`);
      }
    };
    let wrong = '';
    while (got < total && !wrong) {
      await read(0, 8);
      const len = dv.getUint32(4, true);
      if (dv.getUint32(0, true) !== seq || len > MAX_PAYLOAD)
        wrong = `frame ${seq}: header ${dv.getUint32(0, true)}, ${len}`;
      else {
        await read(8, len + 4);
        writeFrame(expected, seq, len);
        if (dv.getUint32(8 + len, true) !== fnv(frame, 8, 8 + len)) wrong = `frame ${seq}: checksum`;
        for (let i = 0; i < len + 12 && !wrong; i++) if (frame[i] !== expected[i]) wrong = `frame ${seq}: byte ${i}`;
      }
      got += len + 12;
      seq++;
    }
    expect(wrong).toBe('');
    expect(await producer).toMatchObject({ frames: seq, bytes: got });
  });
});

describe('RingBuf streamed between two Web Workers that block in waitForData/waitForSpace', () => {
  test.each([
    ['wasm', 'wasm'],
    ['js', 'wasm'],
  ] as const)('producer %s, consumer %s: every frame arrives intact', async (p, c) => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 4096);
    const common = { module: engine.module, descriptor: rb.descriptor, total: 2_000_000, seed: 11, waitMs: WAIT_MS };
    const [sent, received] = await Promise.all([
      role<StreamResult>({ ...common, role: 'bytesProducer', kind: p }),
      role<StreamResult>({ ...common, role: 'bytesConsumer', kind: c }),
    ]);
    expect(received.frames).toBe(sent.frames);
    expect(received.bytes).toBe(sent.bytes);
    expect(rb.isEmpty).toBe(true);
  });
});

describe('MpscPbuf.allocAsync on the main thread', () => {
  test('waits without blocking until a worker frees, then allocates', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const pb = new MpscPbuf(engine, 16);
    for (let i = 0; i < 4; i++) {
      const p = present(pb.alloc(4));
      pb.words[p] = 4 << 2;
      pb.commit(p);
    }
    expect(pb.alloc(4)).toBeNull();
    const worker = new Worker(new URL('./workers/mpsc-consumer.js', import.meta.url), { type: 'module' });
    try {
      const stop = ticker();
      worker.postMessage({ module: engine.module, descriptor: pb.descriptor, delayMs: 200 });
      const p = await pb.allocAsync(4, WAIT_MS);
      expect(stop()).toBeGreaterThan(5); // the page ran while the allocation waited ~200 ms
      expect(p).not.toBeNull();
      expect(await pb.allocAsync(16, 100)).toBeNull(); // never drops while it waits; times out
    } finally {
      worker.terminate();
    }
  });
});

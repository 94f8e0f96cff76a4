// The heap across threads (issue 17, item 11): two threads create and
// release buffers of every class 100,000 times in all, attaching to and
// releasing a long-lived buffer on the way; the memory stays under a fixed
// bound and the long-lived buffer keeps its data.
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineKind, RingBuf } from '../dist/bindings/index.js';
import { runRoles } from './util/threads.js';

const CYCLES = 50_000;
/** Far above what two threads' live buffers need at once (a few 64 KiB pages), far below what 100,000 leaked buffers take (over 100 MB). */
const BOUND_BYTES = 4 * 65536;
const seed = Number(process.env.WRB_SEED ?? Date.now() % 2 ** 32);

describe.each([['wasm'], ['js']] as [EngineKind][])('heap reuse across threads, %s engine', (kind) => {
  it(`100,000 create/release cycles in two threads keep the memory under ${BOUND_BYTES} bytes`, async () => {
    const engine = await createEngine('wasm', { shared: true });
    const keeper = new RingBuf(engine, 256);
    keeper.put(new Uint8Array([1, 2, 3, 4]));
    const common = {
      kind,
      memory: engine.memory,
      module: engine.module,
      descriptor: keeper.descriptor,
      cycles: CYCLES,
    };
    const results = await runRoles<{ largest: number }>(
      [
        { ...common, role: 'heapChurn', seed },
        { ...common, role: 'heapChurn', seed: seed + 1 },
      ],
      120_000,
    );
    for (const r of results) expect(r.largest).toBeLessThanOrEqual(BOUND_BYTES);
    expect(engine.memory.buffer.byteLength).toBeLessThanOrEqual(BOUND_BYTES);
    const out = new Uint8Array(8);
    expect(keeper.get(out)).toBe(4);
    expect([...out.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    // Everything the threads placed went back: the next buffer lands right after the keeper.
    const next = new RingBuf(engine, 64);
    expect(next.address).toBe(keeper.storageAddress + 256 + 64);
  });
});

// The heap (issue 17): no wrap at 4 GiB (item 1), attach proves a live
// block (item 4), a memory is laid out only when asked (item 7), and
// release() gives memory back (item 11).
import { describe, expect, it } from 'vitest';
import {
  BufferFreedError,
  createEngine,
  type Engine,
  type EngineKind,
  ItemRingBuf,
  MpscPbuf,
  RingBuf,
} from '../dist/bindings/index.js';

const kinds: EngineKind[] = ['wasm', 'js'];

/** The heap's top in bytes (word 1 of the heap header counts 64-byte lines). */
const top = (e: Engine): number => new Uint32Array(e.memory.buffer)[1] * 64;
/** The whole memory, to compare before and after a refused call. */
const image = (e: Engine): Uint8Array => new Uint8Array(e.memory.buffer).slice();

describe('item 1: a block that ends at 4 GiB', () => {
  it('does not wrap the top: the next placement is refused, the first buffer intact', async () => {
    // A 4 GiB memory costs only the pages touched (control blocks).
    const e = await createEngine('wasm', { shared: true, maximumPages: 65536 });
    const a = new RingBuf(e, 2 ** 31 - 1);
    // The first block starts right after the heap header: its header line (if any) is a.address - 64.
    const headerBytes = a.address - 64;
    const start = Math.ceil((a.storageAddress + a.capacity) / 64) * 64;
    const b = new RingBuf(e, 2 ** 32 - start - headerBytes - 320);
    expect(b.storageAddress + b.capacity).toBe(2 ** 32);
    a.put(new Uint8Array([9, 8, 7]));
    expect(() => new RingBuf(e, 64)).toThrow(RangeError);
    expect(() => new MpscPbuf(e, 2)).toThrow(RangeError);
    expect(a.size).toBe(3);
    expect(b.put(new Uint8Array([1]))).toBe(1);
    // Released, the end block is given back, and the next one fits again.
    b.release();
    const c = new MpscPbuf(e, 2);
    expect(c.alloc(2)).toBe(0);
    a.release();
    c.release();
  });
});

describe.each(kinds)('item 7: createEngine over a given memory, %s engine', (kind) => {
  it('refuses a memory that wasm-ringbuf did not lay out, and leaves it untouched', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint8Array(memory.buffer).fill(7, 4, 1024);
    const before = new Uint8Array(memory.buffer).slice();
    await expect(createEngine(kind, { memory })).rejects.toThrow(TypeError);
    await expect(createEngine(kind, { memory })).rejects.toThrow(/options.memory was not laid out.*claim: true/);
    expect(new Uint8Array(memory.buffer)).toEqual(before);
  });

  it('lays it out with claim: true; a laid-out memory needs no claim', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const e = await createEngine(kind, { memory, claim: true });
    const rb = new RingBuf(e, 16);
    const twin = await createEngine(kind, { memory });
    expect(RingBuf.attach(twin, rb.descriptor).capacity).toBe(16);
    // claim on a laid-out memory changes nothing.
    const again = await createEngine(kind, { memory, claim: true });
    expect(RingBuf.attach(again, rb.descriptor).capacity).toBe(16);
  });

  it.each([
    ['a string', 'yes'],
    ['null', null],
    ['a number', 1],
  ])('claim %s throws a TypeError naming options.claim', async (_, claim) => {
    await expect(createEngine(kind, { claim: claim as unknown as boolean })).rejects.toThrow(
      /^options.claim must be a boolean/,
    );
  });
});

describe.each(kinds)('item 11: release(), %s engine', (kind) => {
  const classes = [
    ['RingBuf', (e: Engine) => new RingBuf(e, 4096)],
    ['ItemRingBuf', (e: Engine) => new ItemRingBuf(e, 1024)],
    ['MpscPbuf', (e: Engine) => new MpscPbuf(e, 1024)],
  ] as const;

  it.each(classes)(
    '%s: every later use throws BufferFreedError; release and dispose again do nothing',
    async (name, make) => {
      const e = await createEngine(kind);
      const h = make(e);
      h.release();
      expect(() => h.state).toThrow(BufferFreedError);
      expect(() => h.state).toThrow(`${name} handle was freed by release()`);
      expect(() => h.descriptor).toThrow(BufferFreedError);
      expect(() => h.abort(1)).toThrow(BufferFreedError);
      if (h instanceof RingBuf) {
        expect(() => h.put(new Uint8Array(1))).toThrow(BufferFreedError);
        expect(() => h.size).toThrow(BufferFreedError);
        expect(() => h.storage).toThrow(BufferFreedError);
      } else if (h instanceof ItemRingBuf) {
        expect(() => h.put(1, 0)).toThrow(BufferFreedError);
        expect(() => h.get()).toThrow(BufferFreedError);
      } else {
        expect(() => h.alloc(1)).toThrow(BufferFreedError);
        expect(() => h.free(0)).toThrow(BufferFreedError);
        expect(() => h.words).toThrow(BufferFreedError);
      }
      h.release();
      h[Symbol.dispose]();
    },
  );

  it.each(classes)(
    '%s: the last handle to let go gives the memory back; the next buffer reuses it',
    async (_, make) => {
      const e = await createEngine(kind);
      const first = make(e);
      const other = (first.constructor as typeof RingBuf).attach(e, first.descriptor as never);
      const before = top(e);
      first.release();
      // Another handle still holds it: nothing moves.
      expect(top(e)).toBe(before);
      other.release();
      expect(top(e)).toBeLessThan(before);
      const again = make(e);
      expect(again.address).toBe(first.address);
      for (let i = 0; i < 2000; i++) make(e).release();
      expect(top(e)).toBeLessThanOrEqual(before);
    },
  );

  it('a block freed between two live ones is reused first fit, and merges with a free neighbour', async () => {
    const e = await createEngine(kind);
    const a = new RingBuf(e, 1000);
    const b = new RingBuf(e, 1000);
    const c = new RingBuf(e, 1000);
    const end = top(e);
    a.release();
    b.release();
    // a and b merged: one buffer of both sizes fits where they were.
    const ab = new RingBuf(e, 2000);
    expect(ab.address).toBe(a.address);
    expect(top(e)).toBe(end);
    expect(c.put(new Uint8Array(5))).toBe(5);
  });

  it('MpscPbuf.attach then release leaves the heap where it was; a refused attach holds nothing', async () => {
    const e = await createEngine(kind);
    const empty = top(e);
    const pb = new MpscPbuf(e, 64);
    const before = top(e);
    for (let i = 0; i < 100; i++) MpscPbuf.attach(e, pb.descriptor).release();
    expect(top(e)).toBe(before);
    expect(() => MpscPbuf.attach(e, pb.descriptor, { onDrop: 5 as never })).toThrow(/^options.onDrop/);
    expect(() => MpscPbuf.attach(e, pb.descriptor, null as never)).toThrow(/^options must be an object/);
    // Had a refused attach kept a holder, the block would outlive its last handle.
    pb.release();
    expect(top(e)).toBe(empty);
  });

  it('a failed ItemRingBuf or MpscPbuf constructor places nothing', async () => {
    const e = await createEngine(kind, { maximumPages: 2 });
    const before = top(e);
    expect(() => new ItemRingBuf(e, 100_000)).toThrow(/^capacity 100000 words does not fit/);
    expect(() => new MpscPbuf(e, 100_000)).toThrow(/^size 100000 does not fit/);
    expect(top(e)).toBe(before);
    const custom = new MpscPbuf(e, 8, { getWlen: () => 1 });
    const held = top(e);
    expect(() => MpscPbuf.attach(e, custom.descriptor)).toThrow(/options.getWlen is required/);
    expect(top(e)).toBe(held);
    custom.release();
    expect(top(e)).toBe(before);
  });

  it('a RingBuf released with bytes write() left pending publishes them first', async () => {
    const e = await createEngine(kind);
    const rb = new RingBuf(e, 64);
    const reader = RingBuf.attach(e, rb.descriptor);
    rb.write(new Uint8Array([1, 2, 3]));
    rb.release();
    expect(reader.size).toBe(3);
  });
});

describe.each(kinds)('item 4: attach proves a live block, %s engine', (kind) => {
  it('refuses a control block forged in a ring’s storage, and changes nothing', async () => {
    const e = await createEngine(kind);
    const victim = new RingBuf(e, 256);
    const host = new RingBuf(e, 4096);
    // Copy the victim's control block into the host's storage, at a line boundary.
    const at = Math.ceil(host.storageAddress / 64) * 64 + 128;
    const u8 = new Uint8Array(e.memory.buffer);
    u8.copyWithin(at, victim.address, victim.address + 320);
    const before = image(e);
    expect(() => RingBuf.attach(e, { ...victim.descriptor, address: at })).toThrow(
      /is not the start of a live RingBuf/,
    );
    expect(image(e)).toEqual(before);
  });

  it('refuses a block of another class, even with a matching kind word forged at its address', async () => {
    const e = await createEngine(kind);
    const items = new ItemRingBuf(e, 64);
    const pb = new MpscPbuf(e, 64);
    expect(() => RingBuf.attach(e, { ...items.descriptor, type: 'RingBuf' })).toThrow(
      /does not hold a RingBuf: it holds an ItemRingBuf/,
    );
    // The control block's own kind word is not what attach trusts.
    new Uint32Array(e.memory.buffer)[pb.address >>> 2] = 0x52420001;
    expect(() => RingBuf.attach(e, { ...pb.descriptor, type: 'RingBuf' })).toThrow(/it holds an MpscPbuf/);
  });

  it('refuses a stale descriptor: freed, and freed then placed again', async () => {
    const e = await createEngine(kind);
    const keep = new RingBuf(e, 64);
    const old = new RingBuf(e, 256);
    const after = new RingBuf(e, 64);
    const d = old.descriptor;
    old.release();
    expect(() => RingBuf.attach(e, d)).toThrow(/descriptor is stale: the RingBuf at \d+ was freed/);
    const reused = new RingBuf(e, 256);
    expect(reused.address).toBe(d.address);
    expect(() => RingBuf.attach(e, d)).toThrow(/freed and its memory placed again/);
    expect(RingBuf.attach(e, reused.descriptor).capacity).toBe(256);
    expect(keep.space + after.space).toBe(128);
  });

  it('reads the descriptor once: a getter cannot pass the checks with one address and attach with another', async () => {
    const e = await createEngine(kind);
    const rb = new RingBuf(e, 64);
    let reads = 0;
    const d = {
      type: 'RingBuf',
      memory: e.memory,
      generation: rb.descriptor.generation,
      get address() {
        reads++;
        return reads === 1 ? rb.address : 0;
      },
    };
    const h = RingBuf.attach(e, d);
    expect(reads).toBe(1);
    expect(h.address).toBe(rb.address);
  });

  it('refuses a descriptor without a generation', async () => {
    const e = await createEngine(kind);
    const rb = new RingBuf(e, 64);
    const { generation: _, ...old } = rb.descriptor;
    expect(() => RingBuf.attach(e, old as never)).toThrow(/^descriptor.generation/);
  });

  it('keeps the internal constructor arguments out of reach', async () => {
    const e = await createEngine(kind);
    const first = new RingBuf(e, 64);
    first.put(new Uint8Array([1, 2]));
    const before = image(e);
    const RB = RingBuf as unknown as new (...a: unknown[]) => RingBuf;
    const IR = ItemRingBuf as unknown as new (...a: unknown[]) => ItemRingBuf;
    const MP = MpscPbuf as unknown as new (...a: unknown[]) => MpscPbuf;
    expect(() => new RB(e, 64, 0)).toThrow(/^RingBuf takes \(engine, capacity\)/);
    expect(() => new RB(e, 64, first.address)).toThrow(TypeError);
    expect(() => new RB(e, 64, { address: first.address, generation: first.descriptor.generation })).toThrow(TypeError);
    expect(() => new IR(e, 64, 0)).toThrow(/^ItemRingBuf takes/);
    expect(() => new MP(e, 8, {}, 0)).toThrow(/^MpscPbuf takes/);
    expect(image(e)).toEqual(before);
    expect(first.size).toBe(2);
  });
});

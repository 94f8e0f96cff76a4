// Bad input, argument by argument: every rejected call throws a TypeError
// (wrong type) or RangeError (wrong value) whose message names the argument,
// and the buffer is exactly as it was before the call.

import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, RingBuf, type Engine } from '../dist/bindings/index.js';
import { rejects, type ErrorClass } from './util/rejects.js';

/** Values that are not numbers at all: a TypeError. */
const notNumbers: [string, unknown][] = [
  ['a string', '1'],
  ['null', null],
  ['undefined', undefined],
  ['an array', [1]],
  ['an object', {}],
  ['a bigint', 1n],
];
/** Numbers that are not valid counts: a RangeError. */
const badCounts: [string, unknown][] = [
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['2^32', 2 ** 32],
];
/** Everything a count argument must reject, with the class it must throw. */
const badCountArgs: [string, unknown, ErrorClass][] = [
  ...notNumbers.map(([d, v]): [string, unknown, ErrorClass] => [d, v, TypeError]),
  ...badCounts.map(([d, v]): [string, unknown, ErrorClass] => [d, v, RangeError]),
];
/** What a byte-array argument must reject. */
const notBytes: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['a string', 'abc'],
  ['a plain array', [1, 2, 3]],
  ['a Uint16Array', new Uint16Array(4)],
  ['an Int8Array', new Int8Array(4)],
  ['a Uint8ClampedArray', new Uint8ClampedArray(4)],
  ['a DataView', new DataView(new ArrayBuffer(4))],
  ['an ArrayBuffer', new ArrayBuffer(4)],
  ['a number', 4],
];

/**
 * A 16-byte buffer with data across the end of storage, an outstanding get
 * claim and an outstanding put claim, so that a call that changed anything
 * would show in its counts, claims or bytes.
 */
function busyBuffer(engine: Engine): RingBuf {
  const rb = new RingBuf(engine, 16);
  rb.internalReset(0xfffffff8);
  rb.put(Uint8Array.from({ length: 12 }, (_, i) => i + 1));
  rb.discard(8);
  rb.put(Uint8Array.from({ length: 6 }, (_, i) => 0x40 + i)); // 10 bytes of data, crossing the end
  rb.getClaim(2);
  rb.putClaim(3);
  rb.storage.fill(0xcc, rb.putOffset, rb.putOffset + 3);
  return rb;
}

interface Snapshot {
  size: number;
  space: number;
  isEmpty: boolean;
  putOffset: number;
  getOffset: number;
  storage: Uint8Array;
}

function snapshot(rb: RingBuf): Snapshot {
  return {
    size: rb.size,
    space: rb.space,
    isEmpty: rb.isEmpty,
    putOffset: rb.putOffset,
    getOffset: rb.getOffset,
    storage: rb.storage.slice(),
  };
}

/** Asserts `rb` is as in `before`, and that both claims are still outstanding. */
function unchanged(rb: RingBuf, before: Snapshot): void {
  expect(snapshot(rb)).toEqual(before);
  rb.putFinish(3); // would throw if the put claim had been dropped
  rb.getFinish(2);
  expect(rb.size).toBe(before.size + 3); // the 3 committed bytes; the freed claim was not counted in size
}

describe.each(['wasm', 'js'] as const)('bad input on the %s engine', (kind) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine(kind);
  });

  describe('count arguments', () => {
    const methods: [string, (rb: RingBuf, v: unknown) => unknown][] = [
      ['discard', (rb, v) => rb.discard(v as number)],
      ['putClaim', (rb, v) => rb.putClaim(v as number)],
      ['getClaim', (rb, v) => rb.getClaim(v as number)],
      ['putFinish', (rb, v) => rb.putFinish(v as number)],
      ['getFinish', (rb, v) => rb.getFinish(v as number)],
    ];
    for (const [method, call] of methods) {
      it.each(badCountArgs)(`${method}(%s) throws a %s naming n`, (_, v, cls) => {
        const rb = busyBuffer(engine);
        const before = snapshot(rb);
        rejects(() => call(rb, v), cls as ErrorClass, 'n ');
        unchanged(rb, before);
      });
    }

    it.each(badCountArgs)('internalReset(%s) throws a %s naming value', (_, v, cls) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      rejects(() => rb.internalReset(v as number), cls as ErrorClass, 'value');
      unchanged(rb, before);
    });
  });

  describe('finishes beyond the claim', () => {
    it.each([
      ['putFinish', 4, 3],
      ['getFinish', 3, 2],
    ] as const)(
      '%s(%i) with %i bytes claimed throws a RangeError with errno -22 and keeps the claim',
      (method, n, claimed) => {
        const rb = busyBuffer(engine);
        const before = snapshot(rb);
        const e = rejects(() => rb[method](n), RangeError, 'n must be at most');
        expect(e.message).toContain(`${claimed} bytes`);
        expect((e as RangeError & { errno: number }).errno).toBe(-22);
        unchanged(rb, before);
      },
    );

    it.each(['putFinish', 'getFinish'] as const)(
      '%s(1) with no claim throws, and finish(0) is still fine',
      (method) => {
        const rb = new RingBuf(engine, 8);
        rb.put(new Uint8Array([1, 2, 3]));
        const e = rejects(() => rb[method](1), RangeError, 'n must be at most the 0 bytes');
        expect((e as RangeError & { errno: number }).errno).toBe(-22);
        rb[method](0);
        expect(rb.size).toBe(3);
        expect(rb.space).toBe(5);
      },
    );
  });

  describe.each(['put', 'write', 'get', 'peek'] as const)('%s', (method) => {
    const arg = method === 'put' || method === 'write' ? 'src' : 'dst';
    const call = (rb: RingBuf, ...args: unknown[]): number => (rb[method] as (...a: unknown[]) => number)(...args);

    it.each(notBytes)(`${method}(%s) throws a TypeError naming ${arg}`, (_, v) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      rejects(() => call(rb, v), TypeError, arg);
      unchanged(rb, before);
    });

    const windows: [string, unknown, unknown, ErrorClass, string][] = [
      ['start -1', -1, 4, RangeError, `${arg} start`],
      ['start 1.5', 1.5, 4, RangeError, `${arg} start`],
      ['start NaN', NaN, 4, RangeError, `${arg} start`],
      ['start beyond the length', 9, 9, RangeError, `${arg} start`],
      ['start a string', '0', 4, TypeError, `${arg} start`],
      ['start null', null, 4, TypeError, `${arg} start`],
      ['end before start', 3, 2, RangeError, `${arg} end`],
      ['end beyond the length', 0, 9, RangeError, `${arg} end`],
      ['end Infinity', 0, Infinity, RangeError, `${arg} end`],
      ['end 2.5', 0, 2.5, RangeError, `${arg} end`],
      ['end a string', 0, '4', TypeError, `${arg} end`],
      ['end null', 0, null, TypeError, `${arg} end`],
    ];
    it.each(windows)(`${method}(array of 8, %s) throws`, (_, start, end, cls, name) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      const bytes = new Uint8Array(8).fill(0x77);
      rejects(() => call(rb, bytes, start, end), cls, name);
      unchanged(rb, before);
      expect(bytes).toEqual(new Uint8Array(8).fill(0x77));
    });

    it("a view inside the engine's memory gets the same checks", () => {
      const rb = busyBuffer(engine);
      const inside = new RingBuf(engine, 8).storage;
      const before = snapshot(rb);
      rejects(() => call(rb, inside, 0, 9), RangeError, `${arg} end`);
      unchanged(rb, before);
    });
  });

  describe('constructor', () => {
    it.each([
      ...notNumbers.map(([d, v]) => [d, v, TypeError] as const),
      ['0', 0, RangeError],
      ['-1', -1, RangeError],
      ['1.5', 1.5, RangeError],
      ['NaN', NaN, RangeError],
      ['Infinity', Infinity, RangeError],
      ['2^31', 2 ** 31, RangeError],
    ] as [string, unknown, ErrorClass][])('capacity %s throws a %s naming capacity', (_, v, cls) => {
      rejects(() => new RingBuf(engine, v as number), cls, 'capacity');
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a string', 'wasm'],
      ['a plain object', { memory: null }],
      ['a Memory', new WebAssembly.Memory({ initial: 1 })],
    ])('engine %s throws a TypeError naming engine', (_, v) => {
      rejects(() => new RingBuf(v as unknown as Engine, 8), TypeError, 'engine');
    });

    it("a capacity beyond the memory's maximum throws a RangeError naming capacity, and nothing is placed", async () => {
      const small = await createEngine(kind, { maximumPages: 2 });
      const a = new RingBuf(small, 64);
      rejects(() => new RingBuf(small, 3 * 65536), RangeError, 'capacity');
      rejects(() => new RingBuf(small, 2 ** 31 - 1), RangeError, 'capacity');
      // The heap did not move: the next buffer lands right after the first (and its block header line).
      const b = new RingBuf(small, 64);
      expect(b.address).toBe(a.storageAddress + 64 + 64);
      expect(b.put(new Uint8Array(64))).toBe(64);
    });
  });

  describe('attach', () => {
    it.each([
      ['null', null],
      ['a string', 'x'],
      ['a number', 64],
      ['an empty object', {}],
    ])('descriptor %s throws a TypeError naming descriptor', (_, d) => {
      rejects(() => RingBuf.attach(engine, d as never), TypeError, 'descriptor');
    });

    it('a descriptor of another type throws a TypeError naming descriptor.type', () => {
      const rb = new RingBuf(engine, 8);
      rejects(() => RingBuf.attach(engine, { ...rb.descriptor, type: 'MpscPbuf' }), TypeError, 'descriptor.type');
    });

    it('a descriptor of another memory throws a TypeError naming descriptor.memory', async () => {
      const other = await createEngine(kind);
      const rb = new RingBuf(other, 8);
      rejects(() => RingBuf.attach(engine, rb.descriptor), TypeError, 'descriptor.memory');
    });

    it.each([
      ['-64', -64, RangeError],
      ['0', 0, RangeError],
      ['1.5', 1.5, RangeError],
      ['NaN', NaN, RangeError],
      ['2^32', 2 ** 32, RangeError],
      ['a string', '64', TypeError],
      ['undefined', undefined, TypeError],
      ['not 64-byte aligned', 'misaligned', RangeError],
      ['beyond the memory', 'beyond', RangeError],
      ['the storage, not a control block', 'storage', TypeError],
    ] as [string, unknown, ErrorClass][])('address %s throws a %s naming descriptor.address', (_, v, cls) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      const address =
        v === 'misaligned'
          ? rb.address + 4
          : v === 'beyond'
            ? engine.memory.buffer.byteLength + 64
            : v === 'storage'
              ? rb.storageAddress
              : v;
      rejects(
        () => RingBuf.attach(engine, { ...rb.descriptor, address: address as number }),
        cls,
        'descriptor.address',
      );
      unchanged(rb, before);
    });

    it.each([
      ['null', null],
      ['a string', 'js'],
      ['a plain object', {}],
    ])('engine %s throws a TypeError naming engine', (_, v) => {
      const rb = new RingBuf(engine, 8);
      rejects(() => RingBuf.attach(v as Engine, rb.descriptor), TypeError, 'engine');
    });
  });
});

describe('createEngine', () => {
  it.each([
    ['a wrong name', 'rust'],
    ['undefined', undefined],
    ['a number', 1],
  ])('kind %s throws a TypeError naming kind', async (_, k) => {
    await expect(createEngine(k as 'js')).rejects.toThrow(TypeError);
    await expect(createEngine(k as 'js')).rejects.toThrow(/^kind must be/);
  });

  it.each([
    ['memory', { memory: {} }, TypeError, 'options.memory'],
    ['memory', { memory: new ArrayBuffer(65536) }, TypeError, 'options.memory'],
    ['shared', { shared: 'yes' }, TypeError, 'options.shared'],
    ['initialPages', { initialPages: 0 }, RangeError, 'options.initialPages'],
    ['initialPages', { initialPages: 1.5 }, RangeError, 'options.initialPages'],
    ['initialPages', { initialPages: NaN }, RangeError, 'options.initialPages'],
    ['initialPages', { initialPages: 65537 }, RangeError, 'options.initialPages'],
    ['maximumPages', { initialPages: 4, maximumPages: 2 }, RangeError, 'options.maximumPages'],
    ['maximumPages', { maximumPages: Infinity }, RangeError, 'options.maximumPages'],
    ['initialPages', { initialPages: '2' }, TypeError, 'options.initialPages'],
    ['maximumPages', { maximumPages: '8' }, TypeError, 'options.maximumPages'],
  ] as [string, object, ErrorClass, string][])('options.%s %j throws', async (_, options, cls, name) => {
    for (const kind of ['wasm', 'js'] as const) {
      const p = createEngine(kind, options);
      await expect(p).rejects.toThrow(cls);
      await expect(p).rejects.toThrow(name);
    }
  });

  it('a memory that holds something else is refused', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint32Array(memory.buffer)[0] = 0xdeadbeef;
    await expect(createEngine('js', { memory })).rejects.toThrow(/not a wasm-ringbuf memory/);
    expect(new Uint32Array(memory.buffer)[0]).toBe(0xdeadbeef);
  });

  it('a memory laid out by the previous layout version ("wrb2", no lifecycle words) is refused, not misread', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint32Array(memory.buffer)[0] = 0x32627277;
    await expect(createEngine('wasm', { memory })).rejects.toThrow(/not a wasm-ringbuf memory: word 0 is 0x32627277/);
  });
});

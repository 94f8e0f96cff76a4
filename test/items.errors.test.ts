// Bad input to ItemRingBuf, argument by argument: every rejected call throws
// a TypeError (wrong type) or RangeError (wrong value) whose message names the
// argument and the limit, and the buffer is exactly as it was before.

import { beforeAll, describe, expect, it } from 'vitest';
import { internals } from './util/internals.js';
import { createEngine, ItemRingBuf, RingBuf, type Engine } from '../dist/bindings/index.js';
import { rejects, type ErrorClass } from './util/rejects.js';

const notNumbers: [string, unknown][] = [
  ['a string', '1'],
  ['null', null],
  ['an array', [1]],
  ['an object', {}],
  ['a bigint', 1n],
];
/** Bad values for an integer argument of range [min, max]: description, value, class, message fragment. */
function badInts(max: number, min = 0): [string, unknown, ErrorClass, string][] {
  return [
    ...notNumbers.map(([d, v]): [string, unknown, ErrorClass, string] => [d, v, TypeError, 'must be a number']),
    ...(
      [
        [`${min - 1}`, min - 1],
        ['1.5', 1.5],
        ['NaN', NaN],
        ['Infinity', Infinity],
        [`${max + 1}`, max + 1],
      ] as const
    ).map(([d, v]): [string, unknown, ErrorClass, string] => [
      d,
      v,
      RangeError,
      `must be an integer from ${min} to ${max}`,
    ]),
  ];
}
const notWords: [string, unknown][] = [
  ['null', null],
  ['a string', 'abc'],
  ['a plain array', [1, 2]],
  ['a Uint8Array', new Uint8Array(8)],
  ['an Int32Array', new Int32Array(2)],
  ['a Float32Array', new Float32Array(2)],
  ['an ArrayBuffer', new ArrayBuffer(8)],
  ['a DataView', new DataView(new ArrayBuffer(8))],
  ['a number', 2],
];

/** An 8-word buffer holding two items, one across the end of storage. */
function busyBuffer(engine: Engine): ItemRingBuf {
  const rb = new ItemRingBuf(engine, 8);
  rb.internalReset(0xfffffff0);
  rb.put(1, 1, new Uint32Array([1, 2, 3, 4]));
  rb.get();
  rb.put(2, 2, new Uint32Array([5, 6])); // words 5..7
  rb.put(3, 3, new Uint32Array([7, 8, 9])); // words 0..3
  return rb;
}

interface Snapshot {
  size: number;
  space: number;
  storage: number[];
}

function snapshot(rb: ItemRingBuf): Snapshot {
  const storage = Array.from(new Uint32Array(rb.engine.memory.buffer, rb.storageAddress, rb.capacity));
  return { size: rb.size, space: rb.space, storage };
}

/** Asserts `rb` is as in `before` and still yields its two items. */
function unchanged(rb: ItemRingBuf, before: Snapshot): void {
  expect(snapshot(rb)).toEqual(before);
  const out = new Uint32Array(3);
  expect(rb.get(out)).toBe(2);
  expect([rb.itemType, out[0], out[1]]).toEqual([2, 5, 6]);
  expect(rb.get(out)).toBe(3);
  expect([rb.itemType, ...out]).toEqual([3, 7, 8, 9]);
}

describe.each(['wasm', 'js'] as const)('ItemRingBuf bad input on the %s engine', (kind) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine(kind);
  });

  it.each(badInts(536870911, 1))('new ItemRingBuf(engine, %s) throws a %s naming capacity', (_, v, cls, limit) => {
    rejects(() => new ItemRingBuf(engine, v as number), cls, 'capacity', limit);
  });

  it('a capacity the memory cannot hold throws a RangeError naming capacity', async () => {
    const small = await createEngine(kind, { initialPages: 1, maximumPages: 2 });
    rejects(() => new ItemRingBuf(small, 100_000), RangeError, 'capacity 100000 words');
  });

  describe('put', () => {
    it.each(badInts(0xffff))('put(type %s) throws a %s naming type', (_, v, cls, limit) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      rejects(() => rb.put(v as number, 0), cls, 'type', limit);
      unchanged(rb, before);
    });

    it.each(badInts(0xff))('put(value %s) throws a %s naming value', (_, v, cls, limit) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      rejects(() => rb.put(0, v as number), cls, 'value', limit);
      unchanged(rb, before);
    });

    it.each(notWords)('put(data %s) throws a TypeError naming data', (_, v) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      rejects(() => rb.put(0, 0, v as Uint32Array), TypeError, 'data', 'Uint32Array');
      unchanged(rb, before);
    });

    it.each([256, 300, 1000])(
      'put with %i words throws a RangeError naming data and 255 (Zephyr would truncate)',
      (n) => {
        const rb = new ItemRingBuf(engine, 2000);
        rejects(() => rb.put(0, 0, new Uint32Array(n)), RangeError, 'data', 'at most 255 words');
        rejects(() => rb.put(0, 0, new Uint32Array(n + 10), 5, 5 + n), RangeError, 'data', 'at most 255 words');
        expect([rb.size, rb.space]).toEqual([0, 2000]);
        expect(rb.put(0, 0, new Uint32Array(n), 0, 255)).toBe(0); // a 255-word window is fine
      },
    );

    it.each([
      ['start -1', -1, 2, 'data start'],
      ['start 1.5', 1.5, 2, 'data start'],
      ['start beyond length', 5, 5, 'data start'],
      ['end before start', 2, 1, 'data end'],
      ['end beyond length', 0, 5, 'data end'],
      ['end a string', 0, '2', 'data end'],
    ] as const)('put(data, %s) throws naming %s', (_, start, end, arg) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      let error: unknown;
      try {
        rb.put(0, 0, new Uint32Array(4), start, end as number);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(typeof end === 'string' ? TypeError : RangeError);
      expect((error as Error).message.startsWith(arg)).toBe(true);
      unchanged(rb, before);
    });
  });

  describe('get and getBatch', () => {
    it.each(notWords)('get(dst %s) throws a TypeError naming dst', (_, v) => {
      const rb = busyBuffer(engine);
      const before = snapshot(rb);
      rejects(() => rb.get(v as Uint32Array), TypeError, 'dst', 'Uint32Array');
      unchanged(rb, before);
    });

    it.each([...notWords, ['undefined', undefined]] as [string, unknown][])(
      'getBatch(dst %s) throws a TypeError naming dst',
      (_, v) => {
        const rb = busyBuffer(engine);
        const before = snapshot(rb);
        rejects(() => rb.getBatch(v as Uint32Array), TypeError, 'dst', 'Uint32Array');
        unchanged(rb, before);
      },
    );

    it.each(['get', 'getBatch'] as const)(
      '%s with a window beyond dst throws a RangeError naming dst end',
      (method) => {
        const rb = busyBuffer(engine);
        const before = snapshot(rb);
        rejects(() => rb[method](new Uint32Array(4), 0, 5), RangeError, 'dst end', 'from 0 to 4');
        rejects(() => rb[method](new Uint32Array(4), -1, 2), RangeError, 'dst start', 'from 0 to 4');
        unchanged(rb, before);
      },
    );
  });

  describe('putBatch', () => {
    it.each([...notWords, ['undefined', undefined]] as [string, unknown][])(
      'putBatch(%s) throws a TypeError naming records',
      (_, v) => {
        const rb = busyBuffer(engine);
        const before = snapshot(rb);
        rejects(() => rb.putBatch(v as Uint32Array), TypeError, 'records', 'Uint32Array');
        unchanged(rb, before);
      },
    );

    it.each([
      ['a payload cut short', [ItemRingBuf.header(1, 1, 2), 10]],
      [
        'a good item, then a header whose payload is missing',
        [ItemRingBuf.header(1, 1, 0), ItemRingBuf.header(2, 2, 3), 1, 2],
      ],
      // Longer than the 4096-word staging area: validated whole before the first chunk.
      [
        '5000 words of good items, then one cut short',
        [...Array.from({ length: 5000 }, () => ItemRingBuf.header(9, 9, 0)), ItemRingBuf.header(1, 1, 5), 1],
      ],
    ])('records with %s throw a RangeError and write nothing, even where the first items fit', (_, words) => {
      for (const inMemory of [false, true]) {
        const rb = busyBuffer(engine);
        rb.get();
        const before = snapshot(rb);
        let records = new Uint32Array(words);
        if (inMemory) {
          const at = internals(engine).alloc(4 * words.length, 'test'); // may grow the memory: take the buffer after
          const view = new Uint32Array(engine.memory.buffer, at, words.length);
          view.set(words);
          records = view;
        }
        rejects(() => rb.putBatch(records), RangeError, 'records', 'whole items');
        expect(snapshot(rb)).toEqual(before);
      }
    });

    it('a window that cuts a record throws; the same records in a whole window go in', () => {
      const rb = new ItemRingBuf(engine, 16);
      const records = new Uint32Array([ItemRingBuf.header(1, 1, 1), 7, ItemRingBuf.header(2, 2, 2), 8, 9]);
      rejects(() => rb.putBatch(records, 0, 4), RangeError, 'records', 'needs 3 words, but only 2 remain');
      rejects(() => rb.putBatch(records, 0, 3), RangeError, 'records', 'needs 3 words, but only 1 remain');
      expect(rb.size).toBe(0);
      expect(rb.putBatch(records, 2)).toBe(3);
      expect(rb.putBatch(records)).toBe(5);
      expect(rb.size).toBe(8);
    });
  });

  describe('header', () => {
    it.each([
      ['type', badInts(0xffff), (v: unknown) => ItemRingBuf.header(v as number, 0, 0)],
      ['value', badInts(0xff), (v: unknown) => ItemRingBuf.header(0, v as number, 0)],
      ['words', badInts(255), (v: unknown) => ItemRingBuf.header(0, 0, v as number)],
    ] as const)('header(%s out of range) throws naming it', (arg, bad, call) => {
      for (const [, v, cls, limit] of bad) rejects(() => call(v), cls, arg, limit);
    });
  });

  describe('attach', () => {
    it('refuses a byte-mode buffer and a byte-mode buffer refuses an item buffer', () => {
      const bytes = new RingBuf(engine, 16);
      const items = new ItemRingBuf(engine, 4);
      rejects(
        () => ItemRingBuf.attach(engine, { ...bytes.descriptor, type: 'ItemRingBuf' }),
        TypeError,
        'descriptor.address',
        'does not hold a ItemRingBuf',
      );
      rejects(() => ItemRingBuf.attach(engine, bytes.descriptor), TypeError, 'descriptor.type', "'ItemRingBuf'");
      rejects(
        () => RingBuf.attach(engine, { ...items.descriptor, type: 'RingBuf' }),
        TypeError,
        'descriptor.address',
        'does not hold a RingBuf',
      );
    });

    it('a descriptor from another memory is refused', async () => {
      const other = await createEngine(kind);
      const rb = new ItemRingBuf(other, 4);
      rejects(() => ItemRingBuf.attach(engine, rb.descriptor), TypeError, 'descriptor.memory');
    });
  });

  it('internalReset(value) out of range throws naming value', () => {
    const rb = busyBuffer(engine);
    const before = snapshot(rb);
    for (const [, v, cls, limit] of badInts(2 ** 32 - 1))
      rejects(() => rb.internalReset(v as number), cls, 'value', limit);
    unchanged(rb, before);
  });
});

// Text over a RingBuf (bindings/text.ts): UTF-8 encoded straight into
// claimed space, characters of 2, 3 and 4 bytes placed across the end of
// storage and split between reads, short space, and a seeded random run
// against TextEncoder/TextDecoder. Both engines; in Node and, through the
// same exports of wasm-ringbuf/web, in Chromium (the browser project), where
// text takes the paths without Node's Buffer.
import { describe, expect, test } from 'vitest';
import { createEngine, type EngineKind, RingBuf } from '../dist/bindings/index.js';
import { TextReader, utf8Length, writeText } from '../dist/bindings/streams/web.js';
import { Prng } from './util/prng.js';

const enc = new TextEncoder();
const kinds: EngineKind[] = ['wasm', 'js'];

/** A ring of `capacity` whose next put starts at `offset`. */
async function ringAt(kind: EngineKind, capacity: number, offset: number): Promise<RingBuf> {
  const rb = new RingBuf(await createEngine(kind, { shared: true }), capacity);
  rb.put(new Uint8Array(offset));
  rb.discard(offset);
  return rb;
}

/** Every readable byte, without consuming it. */
function bytesIn(rb: RingBuf): number[] {
  const out = new Uint8Array(rb.size);
  rb.peek(out);
  return [...out];
}

describe.each(kinds)('writeText and TextReader (%s)', (kind) => {
  test.each(['é', '€', '😀'])(
    '%s across the end of storage at every offset: exact UTF-8 bytes, read back whole',
    async (ch) => {
      const s = `a${ch.repeat(3)}b`;
      for (let offset = 0; offset < 16; offset++) {
        const rb = await ringAt(kind, 16, offset);
        expect(writeText(rb, s)).toBe(s.length);
        expect(rb.size).toBe(0); // pending until the flush
        rb.flush();
        expect(bytesIn(rb)).toEqual([...enc.encode(s)]);
        expect(new TextReader(rb).read()).toBe(s);
        expect(rb.size).toBe(0);
      }
    },
  );

  test.each(['é', '€', '😀'])('%s split between two reads: held back, then completed', async (ch) => {
    const bytes = enc.encode(`x${ch}y`);
    for (let cut = 1; cut < bytes.length; cut++) {
      for (const offset of [0, 13, 14, 15]) {
        const rb = await ringAt(kind, 16, offset);
        const text = new TextReader(rb);
        rb.put(bytes.subarray(0, cut));
        const first = text.read();
        rb.put(bytes.subarray(cut));
        expect(first + text.read()).toBe(`x${ch}y`);
        expect(first).toBe(cut === 0 ? '' : cut < 1 + enc.encode(ch).length ? 'x' : `x${ch}`);
      }
    }
  });

  test('short space: only whole characters are taken, the rest is left for later', async () => {
    const rb = await ringAt(kind, 8, 5);
    rb.put(new Uint8Array(3)); // 5 bytes free
    expect(writeText(rb, 'ab😀c')).toBe(2); // the 4-byte character does not fit in the 3 left
    expect(rb.space).toBe(3);
    expect(writeText(rb, '😀')).toBe(0);
    rb.flush();
    rb.discard(3);
    expect(writeText(rb, 'ab😀c', 2)).toBe(3);
    rb.flush();
    expect(new TextReader(rb).read()).toBe('ab😀c');
  });

  test('lone surrogates count and encode as U+FFFD, as TextEncoder does', async () => {
    const rb = await ringAt(kind, 32, 30);
    const s = '\ud800x\udc00';
    expect(utf8Length(s)).toBe(enc.encode(s).length);
    expect(utf8Length(s, 1)).toBe(4);
    expect(writeText(rb, s)).toBe(3);
    rb.flush();
    expect(bytesIn(rb)).toEqual([...enc.encode(s)]);
  });

  test('TextReader.end: an incomplete last character becomes U+FFFD', async () => {
    const rb = await ringAt(kind, 16, 0);
    const text = new TextReader(rb);
    rb.put(enc.encode('ok😀').subarray(0, 4));
    expect(text.read()).toBe('ok');
    expect(text.end()).toBe('ok\ufffd'.slice(2));
  });

  test('bad arguments: TypeError and RangeError, the ring unchanged', async () => {
    const rb = await ringAt(kind, 16, 0);
    expect(() => writeText(rb, 42 as unknown as string)).toThrow(new TypeError('s must be a string, got number'));
    expect(() => writeText(rb, 'abc', 4)).toThrow(new RangeError('from must be an integer from 0 to 3, got 4'));
    expect(rb.space).toBe(16);
  });

  test('seeded random: strings of 1- to 4-byte characters through small rings, published and read in random steps', async () => {
    const seed = Number(globalThis.process?.env.WRB_SEED ?? 20261202);
    const r = new Prng(seed);
    const alphabet = ['a', 'z', 'é', 'ß', '€', '中', '😀', '🎉'];
    for (let round = 0; round < 40; round++) {
      const rb = await ringAt(kind, r.int(4, 40), 0);
      const text = new TextReader(rb);
      let want = '',
        got = '';
      for (let step = 0; step < 200; step++) {
        let s = '';
        for (let i = r.int(0, 12); i > 0; i--) s += alphabet[r.int(0, alphabet.length - 1)];
        let at = 0;
        while (at < s.length) {
          const took = writeText(rb, s, at);
          at += took;
          if (took === 0 || r.chance(0.3)) {
            rb.flush();
            got += text.read();
          }
        }
        want += s;
      }
      rb.flush();
      got += text.end();
      expect(got, `seed ${seed}, round ${round}`).toBe(want);
    }
  });

  test('seeded random bytes, valid UTF-8 or not, read in random steps: the same text as one TextDecoder over them all', async () => {
    const seed = Number(globalThis.process?.env.WRB_SEED ?? 20261203);
    const r = new Prng(seed);
    // ASCII runs (the reader's fast path), whole characters, and bytes that break them: lone leads, stray continuations.
    const pieces = [
      [0x61],
      [0x41, 0x42, 0x43, 0x44, 0x45],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xe2],
      [0xe2, 0x82],
      [0xf0, 0x9f],
      [0x80],
      [0xff],
    ];
    for (let round = 0; round < 40; round++) {
      const rb = await ringAt(kind, r.int(4, 40), r.int(0, 3));
      const text = new TextReader(rb);
      const all: number[] = [];
      let got = '';
      for (let step = 0; step < 300; step++) {
        const p = pieces[r.int(0, pieces.length - 1)];
        all.push(...p);
        for (let at = 0; at < p.length; ) {
          const n = rb.put(new Uint8Array(p.slice(at)));
          at += n;
          if (n === 0 || r.chance(0.3)) got += text.read(r.int(1, 16));
        }
      }
      got += text.end();
      expect(got, `seed ${seed}, round ${round}`).toBe(new TextDecoder().decode(new Uint8Array(all)));
    }
  });
});

// One producer handle and one consumer handle per buffer across threads and
// engines (issue 17, item 9): two producer threads on one RingBuf used to
// garble frames; now the second is refused at every attempt and the
// consumer checks every frame of the first. A side given back in one thread
// is taken in another.
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, MpscPbuf, RingBuf } from '../dist/bindings/index.js';
import { releaseSides } from './util/internals.js';
import { runRoles } from './util/threads.js';

const BOUND_MS = 60_000;
const WAIT_MS = 20_000;
const seed = Number(process.env.WRB_SEED ?? Date.now() % 2 ** 32);

const sharedEngine = (): Promise<Engine> => createEngine('wasm', { shared: true });

interface Rival {
  won: boolean;
  bytes?: number;
  frames?: number;
  refused?: number;
  side?: string;
  message?: string;
}

interface Tried {
  ok: boolean;
  result?: number | null;
  name?: string;
  side?: string;
  message?: string;
}

describe(`two producer threads on one RingBuf (seed ${seed})`, () => {
  it.each([
    ['wasm', 'js', 'wasm'],
    ['js', 'wasm', 'js'],
  ] as const)(
    'rivals on %s and %s, consumer on %s: one streams, the other is refused until the close',
    async (k1, k2, kc) => {
      const engine = await sharedEngine();
      const rb = new RingBuf(engine, 4096);
      const common = { descriptor: rb.descriptor, module: engine.module, total: 2e6, seed, waitMs: WAIT_MS };
      const [r1, r2, c] = await runRoles<Rival & { bytes: number; frames: number }>(
        [
          { ...common, role: 'rivalProducer', kind: k1 },
          { ...common, role: 'rivalProducer', kind: k2 },
          { ...common, role: 'bytesConsumer', kind: kc },
        ],
        BOUND_MS,
      );
      expect([r1.won, r2.won].sort()).toEqual([false, true]);
      const [winner, loser] = r1.won ? [r1, r2] : [r2, r1];
      expect(loser.side).toBe('producer');
      expect(loser.message).toContain('RingBuf: the producer side is owned by another handle');
      expect(loser.refused).toBeGreaterThan(1);
      // The consumer checked every frame's sequence, length, checksum and bytes: none of the loser's 0xee.
      expect(c.frames).toBe(winner.frames);
      expect(c.bytes).toBe(winner.bytes);
      expect(rb.state).toBe('closed');
      expect(rb.ended).toBe(true);
    },
  );
});

describe('a side owned in one thread, refused and then taken in another', () => {
  it.each(['wasm', 'js'] as const)(
    'RingBuf consumer: this thread owns it, a %s thread is refused, then takes it once released',
    async (kind) => {
      const engine = await sharedEngine();
      const rb = new RingBuf(engine, 64);
      rb.put(Uint8Array.of(1, 2, 3, 4, 5, 6));
      expect(rb.get(new Uint8Array(2))).toBe(2);
      const common = { descriptor: rb.descriptor, module: engine.module, kind, role: 'trySide', op: 'get', bytes: 16 };
      const [before] = await runRoles<Tried>([common], BOUND_MS);
      expect(before).toMatchObject({ ok: false, name: 'SideOwnedError', side: 'consumer' });
      expect(rb.size).toBe(4);
      releaseSides(rb);
      const [after] = await runRoles<Tried>([common], BOUND_MS);
      expect(after).toEqual({ ok: true, result: 4 });
      // The worker gave the side back too: this thread takes it again.
      rb.put(Uint8Array.of(7));
      expect(rb.get(new Uint8Array(2))).toBe(1);
    },
  );

  it.each(['wasm', 'js'] as const)(
    'MpscPbuf: a %s thread produces while this thread consumes, and is refused a claim',
    async (kind) => {
      const engine = await sharedEngine();
      const pb = new MpscPbuf(engine, 32);
      expect(pb.claim()).toBe(null); // this handle owns the consumer side
      const common = { descriptor: pb.descriptor, module: engine.module, kind, role: 'trySide' };
      const [alloc, claim] = await runRoles<Tried>(
        [
          { ...common, op: 'alloc' },
          { ...common, op: 'claim' },
        ],
        BOUND_MS,
      );
      expect(alloc).toEqual({ ok: true, result: 0 });
      expect(claim).toMatchObject({ ok: false, name: 'SideOwnedError', side: 'consumer' });
      expect(claim.message).toContain('MpscPbuf: the consumer side is owned by another handle');
    },
  );
});

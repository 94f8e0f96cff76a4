// Seeded random differential test of MpscPbuf: the same random operations on
// a wasm buffer and a js buffer in lockstep, and a reference model of what
// the consumer must see. Every op's result, every drop notification and the
// internal indices must be equal on both engines; and on each, every packet
// produced must be claimed exactly once, in allocation order, with its
// payload intact, or reported dropped exactly once (and dropped only in
// overwrite mode, never by a timed alloc). Replay a failure with WRB_SEED.

import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, MpscPbuf, type Engine } from '../dist/bindings/index.js';
import { Prng, soakScale, testSeed } from './util/prng.js';
import { present } from './util/present.js';

/** How a configuration lays out its header: the length and a packet id. */
interface Codec {
  readonly name: string;
  readonly maxLen: number;
  make(valid: number, len: number, id: number): number;
  len(h: number): number;
  id(h: number): number;
}

/** The length field at bits 2..10, the id above it (the buffer reads the field itself). */
const field9: Codec = {
  name: 'length field (lengthBits 9)',
  maxLen: 511,
  make: (valid, len, id) => (valid | (len << 2) | ((id & 0x1fffff) << 11)) >>> 0,
  len: (h) => (h >>> 2) & 0x1ff,
  id: (h) => h >>> 11,
};

/** A custom header: the id at bits 2..23, the length in the top byte, read by getWlen. */
const custom: Codec = {
  name: 'custom header (getWlen)',
  maxLen: 255,
  make: (valid, len, id) => (valid | ((id & 0x3fffff) << 2) | (len << 24)) >>> 0,
  len: (h) => h >>> 24,
  id: (h) => (h >>> 2) & 0x3fffff,
};

const payload = (id: number, j: number): number => (Math.imul(id, 0x9e3779b1) + j) >>> 0;

interface Config {
  size: number;
  overwrite: boolean;
  maxLen: number;
  codec: Codec;
}

/** One engine's buffer plus the model of what its consumer must see. */
class Runner {
  readonly pb: MpscPbuf;
  /** Packet ids in allocation order; ids[next] is the next one to be claimed or dropped. */
  private readonly ids: number[] = [];
  private next = 0;
  private readonly committed = new Set<number>();
  /** Allocated, not yet committed: offset and id. */
  readonly pending: { off: number; id: number; len: number }[] = [];
  held: number | null = null;
  /** What happened during the current op, compared across engines. */
  readonly events: string[] = [];

  constructor(
    engine: Engine,
    private readonly cfg: Config,
    private readonly fail: (msg: string) => never,
  ) {
    const c = cfg.codec;
    this.pb = new MpscPbuf(engine, cfg.size, {
      overwrite: cfg.overwrite,
      ...(c === custom ? { getWlen: (off: number) => c.len(this.pb.words[off]) } : { lengthBits: 9 }),
      onDrop: (off) => {
        if (!cfg.overwrite) this.fail(`a drop without overwrite, at ${off}`);
        if ((this.pb.words[off] & 1) !== 0) this.fail('the drop callback saw valid set');
        this.resolve(off, 'drop');
      },
    });
  }

  /** A packet leaves the buffer (claimed or dropped): it must be the oldest one, intact and committed. */
  private resolve(off: number, how: string): void {
    const c = this.cfg.codec,
      w = this.pb.words,
      h = w[off];
    const want = this.ids[this.next];
    if (want === undefined) this.fail(`${how} at ${off} with nothing produced`);
    if (c.id(h) !== (want & (c === custom ? 0x3fffff : 0x1fffff)))
      this.fail(`${how} at ${off} gave packet ${c.id(h)}, expected ${want}`);
    if (!this.committed.has(want)) this.fail(`${how} of uncommitted packet ${want}`);
    const len = c.len(h);
    for (let j = 1; j < len; j++)
      if (w[off + j] !== payload(want, j)) this.fail(`payload of packet ${want} corrupted at word ${j}`);
    this.next++;
    this.events.push(`${how}@${off}`);
  }

  produced(id: number, committed: boolean): void {
    this.ids.push(id);
    if (committed) this.committed.add(id);
  }

  alloc(id: number, len: number, timeout: number): void {
    const before = this.pb.dropped;
    const p = this.pb.alloc(len, timeout);
    this.events.push(`alloc=${p}`);
    if (timeout !== 0 && this.pb.dropped !== before) this.fail('a timed alloc dropped a packet');
    if (p === null) return;
    const w = this.pb.words,
      c = this.cfg.codec;
    if ((w[p] & 3) !== 0) this.fail(`alloc returned ${p} with valid/busy bits set`);
    w[p] = c.make(0, len, id);
    for (let j = 1; j < len; j++) w[p + j] = payload(id, j);
    this.pending.push({ off: p, id, len });
    this.produced(id, false);
  }

  commit(k: number): void {
    const [{ off, id }] = this.pending.splice(k, 1);
    this.pb.commit(off);
    this.committed.add(id);
    this.events.push(`commit@${off}`);
  }

  put(kind: number, id: number, len: number): void {
    const c = this.cfg.codec;
    let ok: boolean;
    if (kind === 0) ok = this.pb.putWord(c.make(1, 1, id));
    else if (kind === 1) ok = this.pb.putWordExt(c.make(1, 2, id), payload(id, 1));
    else {
      const data = new Uint32Array(len);
      data[0] = c.make(1, len, id);
      for (let j = 1; j < len; j++) data[j] = payload(id, j);
      ok = this.pb.putData(data);
    }
    this.events.push(`put${kind}=${ok}`);
    if (ok) this.produced(id, true);
  }

  claim(): void {
    const p = this.pb.claim();
    this.events.push(`claim=${p}`);
    if (p === null) {
      // Claim stops only at an uncommitted packet, or when nothing is left.
      const oldest = this.ids[this.next];
      if (oldest !== undefined && this.committed.has(oldest))
        this.fail(`claim returned null with committed packet ${oldest} first`);
      return;
    }
    this.resolve(p, 'claim');
    this.held = p;
  }

  free(): void {
    this.pb.free(present(this.held));
    this.held = null;
  }

  /** Commits everything, frees the claim and drains: every packet must have been accounted for. */
  drain(): void {
    while (this.pending.length > 0) this.commit(0);
    if (this.held !== null) this.free();
    for (let p = this.pb.claim(); p !== null; p = this.pb.claim()) {
      this.resolve(p, 'claim');
      this.pb.free(p);
    }
    if (this.next !== this.ids.length) this.fail(`${this.ids.length - this.next} packets never came out`);
    if (this.pb.utilization !== 0) this.fail(`utilization ${this.pb.utilization} after draining`);
  }
}

const configs: Config[] = [
  { size: 1, overwrite: false, maxLen: 1, codec: field9 },
  { size: 2, overwrite: true, maxLen: 2, codec: field9 },
  { size: 3, overwrite: true, maxLen: 3, codec: custom },
  { size: 7, overwrite: false, maxLen: 4, codec: field9 },
  { size: 8, overwrite: true, maxLen: 8, codec: field9 },
  { size: 16, overwrite: true, maxLen: 5, codec: custom },
  { size: 31, overwrite: false, maxLen: 9, codec: custom },
  { size: 32, overwrite: true, maxLen: 15, codec: field9 },
  { size: 100, overwrite: true, maxLen: 33, codec: field9 },
  { size: 100, overwrite: false, maxLen: 33, codec: field9 },
  { size: 256, overwrite: true, maxLen: 64, codec: custom },
  { size: 509, overwrite: true, maxLen: 255, codec: field9 },
];
// `npm run soak` (WRB_SOAK) multiplies it.
const OPS_PER_CONFIG = 10_000 * soakScale();

describe('MpscPbuf random differential test: wasm, js and a model', () => {
  let wasm: Engine;
  let js: Engine;
  beforeAll(async () => {
    // The wasm buffer lives in a shared memory (its critical sections take
    // the lock), the js one in an unshared memory (no lock): both paths run.
    wasm = await createEngine('wasm', { shared: true });
    js = await createEngine('js');
  });

  it.each(
    configs.map(
      (c) =>
        [
          `size ${c.size}, ${c.overwrite ? 'overwrite' : 'no overwrite'}, packets up to ${c.maxLen} words, ${c.codec.name}`,
          c,
        ] as const,
    ),
  )('%s', (_name, cfg) => {
    const seed = testSeed();
    const rng = new Prng(seed);
    let step = 0;
    const fail = (msg: string): never => {
      throw new Error(`seed ${seed} (replay with WRB_SEED=${seed}), op ${step}: ${msg}`);
    };
    const runners = [new Runner(wasm, cfg, fail), new Runner(js, cfg, fail)];
    const [a, b] = runners;
    const maxLen = Math.min(cfg.maxLen, cfg.size);
    let id = 0;
    let claims = 0,
      drops = 0;
    for (step = 0; step < OPS_PER_CONFIG; step++) {
      const r = rng.u32() / 2 ** 32;
      // Lengths skew short, with the occasional long packet.
      const len = rng.chance(0.8) ? rng.int(1, Math.min(maxLen, 4)) : rng.int(1, maxLen);
      if (r < 0.28) {
        // Half the packets are committed at once, the others later in random order.
        const now = rng.chance(0.5);
        for (const x of runners) {
          x.alloc(id, len, 0);
          if (now && x.pending.at(-1)?.id === id) x.commit(x.pending.length - 1);
        }
        id++;
      } else if (r < 0.29) {
        // Times out after 1 ms (shared) or fails at once (unshared); never drops.
        for (const x of runners) x.alloc(id, len, 1);
        id++;
      } else if (r < 0.5) {
        if (a.pending.length > 0) {
          const k = rng.int(0, a.pending.length - 1);
          for (const x of runners) x.commit(k);
        }
      } else if (r < 0.64) {
        const kind = cfg.size < 2 ? 0 : rng.int(0, 2);
        for (const x of runners) x.put(kind, id, len);
        id++;
      } else if (r < 0.84) {
        if (a.held === null) for (const x of runners) x.claim();
      } else if (r < 0.98) {
        if (a.held !== null) for (const x of runners) x.free();
      } else {
        for (const x of runners) x.events.push(`pending=${x.pb.isPending} util=${x.pb.utilization}`);
      }
      const ea = a.events.join(' '),
        eb = b.events.join(' ');
      if (ea !== eb) fail(`engines differ: wasm ${ea} / js ${eb}`);
      claims += a.events.filter((e) => e.startsWith('claim@')).length;
      drops += a.events.filter((e) => e.startsWith('drop@')).length;
      a.events.length = 0;
      b.events.length = 0;
      const sa = JSON.stringify(a.pb.inspect()),
        sb = JSON.stringify(b.pb.inspect());
      if (sa !== sb) fail(`indices differ: wasm ${sa} / js ${sb}`);
    }
    expect(a.pb.dropped).toBe(b.pb.dropped);
    expect(a.pb.lost).toBe(b.pb.lost);
    expect(a.pb.dropped).toBe(drops);
    for (const x of runners) x.drain();
    // The run must have exercised both sides (and drops where allowed).
    expect(claims).toBeGreaterThan(OPS_PER_CONFIG / 40);
    if (cfg.overwrite) expect(drops).toBeGreaterThan(0);
    else expect(drops).toBe(0);
  });
});

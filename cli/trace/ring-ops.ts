// The ring buffer ops of the trace format (byte mode), through the public
// RingBuf API. The queries and resets work on `ctx.ring`, a RingLike, so that
// the item-mode family reuses them on its own buffer.

import { RingBuf } from '../../bindings/index.js';
import { RB_PUT_OFF, RB_GET_OFF, IDX_HEAD_OFF, IDX_TAIL_OFF, IDX_BASE_OFF } from '../../assembly/layout.js';
import { arity, blob, hex, num, u32 } from './tokens.js';
import { TraceError, type OpFamily, type RingLike, type TraceContext } from './types.js';

/** A RingBuf seen as a RingLike: the byte counts are its own. */
function ringLike(rb: RingBuf): RingLike {
  return {
    engine: rb.engine,
    address: rb.address,
    storageAddress: rb.storageAddress,
    capacityBytes: rb.capacity,
    get sizeBytes() {
      return rb.size;
    },
    get spaceBytes() {
      return rb.space;
    },
    get isEmpty() {
      return rb.isEmpty;
    },
    reset: () => rb.reset(),
    internalReset: (value) => rb.internalReset(value),
  };
}

/**
 * The current ring of either mode, for ops that any ring family shares;
 * a TraceError (an `error` line) when no ring was initialised.
 * @example
 * ```ts
 * ctx.print(`item_space ${Math.floor(currentRing(ctx).spaceBytes / 4)}`);
 * ```
 */
export function currentRing(ctx: TraceContext): RingLike {
  if (ctx.ring === undefined) throw new TraceError('no ring buffer: rb_init or rb_item_init first');
  return ctx.ring;
}

/**
 * The byte-mode ops: rb_init, put/get/peek, claims and finishes, and the
 * queries shared with item mode (space, size, capacity, empty, reset,
 * rb_internal_reset, rb_state, rb_mem).
 * @example
 * ```ts
 * const families: OpFamily[] = [ringOps, itemOps];   // replay.ts
 * ```
 */
export const ringOps: OpFamily = (ctx) => {
  let rb: RingBuf | undefined;
  let adapter: RingLike | undefined;
  // The default byte pattern: a running counter that rb_init resets.
  let pattern = 0;

  /** The byte-mode buffer, if it is still the current ring (rb_item_init replaces it). */
  function bytes(): RingBuf {
    if (rb === undefined || ctx.ring !== adapter) throw new TraceError('no byte-mode ring buffer: rb_init first');
    return rb;
  }

  /**
   * `n` bytes of the blob repeated cyclically, or of the running pattern
   * (which then advances by `draw`). Only `keep` bytes are materialised: a
   * request larger than the capacity can never be stored whole.
   */
  function source(tok: string | undefined, keep: number, draw: number): Uint8Array {
    const b = blob(tok);
    const out = new Uint8Array(keep);
    if (b === undefined) {
      for (let i = 0; i < keep; i++) out[i] = (pattern + i) & 0xff;
      pattern = (pattern + draw) & 0xff;
    } else {
      for (let i = 0; i < keep; i++) out[i] = b[i % b.length];
    }
    return out;
  }

  /** put_finish/get_finish: Zephyr returns -EINVAL where the API throws a RangeError carrying it. */
  function finish(op: string, args: string[], call: (r: RingBuf, n: number) => void): void {
    arity(args, 1);
    const r = bytes();
    try {
      call(r, num(args[0], 'n'));
      ctx.print(`${op} 0`);
    } catch (e) {
      const errno = (e as { errno?: unknown }).errno;
      if (!(e instanceof RangeError) || typeof errno !== 'number') throw e;
      ctx.print(`${op} ${errno}`);
    }
  }

  /** get and peek: a destination no larger than the buffer, since no more can come out. */
  function read(op: 'get' | 'peek', args: string[]): void {
    arity(args, 1);
    const n = u32(args[0], 'n');
    const r = bytes();
    const dst = new Uint8Array(Math.min(n, r.capacity));
    const got = op === 'get' ? r.get(dst) : r.peek(dst);
    ctx.print(`${op} ${got} ${hex(dst, 0, got)}`);
  }

  return {
    async rb_init(args) {
      arity(args, 1);
      const capacity = num(args[0], 'bytes');
      const engine = await ctx.newEngine();
      rb = new RingBuf(engine, capacity);
      adapter = ringLike(rb);
      ctx.ring = adapter;
      pattern = 0;
      ctx.print(`rb_init size=${rb.capacity}`);
    },
    rb_internal_reset(args) {
      arity(args, 1);
      currentRing(ctx).internalReset(num(args[0], 'v'));
      ctx.print('rb_internal_reset');
    },
    put(args) {
      arity(args, 2);
      const n = u32(args[0], 'n');
      const r = bytes();
      ctx.print(`put ${r.put(source(args[1], Math.min(n, r.capacity), n))}`);
    },
    get: (args) => read('get', args),
    peek: (args) => read('peek', args),
    get_discard(args) {
      arity(args, 1);
      ctx.print(`get_discard ${bytes().discard(num(args[0], 'n'))}`);
    },
    put_claim(args) {
      arity(args, 2);
      const r = bytes();
      const granted = r.putClaim(num(args[0], 'n'));
      const off = r.putOffset;
      r.storage.set(source(args[1], granted, granted), off);
      ctx.print(`put_claim ${granted} off=${off}`);
    },
    put_finish: (args) => finish('put_finish', args, (r, n) => r.putFinish(n)),
    get_claim(args) {
      arity(args, 1);
      const r = bytes();
      const granted = r.getClaim(num(args[0], 'n'));
      const off = r.getOffset;
      ctx.print(`get_claim ${granted} off=${off} ${hex(r.storage, off, off + granted)}`);
    },
    get_finish: (args) => finish('get_finish', args, (r, n) => r.getFinish(n)),
    space(args) {
      arity(args, 0);
      ctx.print(`space ${currentRing(ctx).spaceBytes}`);
    },
    size(args) {
      arity(args, 0);
      ctx.print(`size ${currentRing(ctx).sizeBytes}`);
    },
    capacity(args) {
      arity(args, 0);
      ctx.print(`capacity ${currentRing(ctx).capacityBytes}`);
    },
    empty(args) {
      arity(args, 0);
      ctx.print(`empty ${currentRing(ctx).isEmpty ? 1 : 0}`);
    },
    reset(args) {
      arity(args, 0);
      currentRing(ctx).reset();
      ctx.print('reset');
    },
    rb_state(args) {
      // Debugging output: the six counters as they sit in memory (layout.ts).
      arity(args, 0);
      const ring = currentRing(ctx);
      const words = new Uint32Array(ring.engine.memory.buffer);
      const side = (at: number): string => {
        const w = (ring.address + at) >>> 2;
        return `${words[w + (IDX_HEAD_OFF >> 2)]}/${words[w + (IDX_TAIL_OFF >> 2)]}/${words[w + (IDX_BASE_OFF >> 2)]}`;
      };
      ctx.print(`rb_state put=${side(RB_PUT_OFF)} get=${side(RB_GET_OFF)}`);
    },
    rb_mem(args) {
      arity(args, 2);
      const ring = currentRing(ctx);
      const off = num(args[0], 'off');
      const n = num(args[1], 'n');
      if (off + n > ring.capacityBytes) {
        throw new TraceError(`off + n must be at most the capacity ${ring.capacityBytes}, got ${off + n}`);
      }
      const mem = new Uint8Array(ring.engine.memory.buffer, ring.storageAddress + off, n);
      ctx.print(`rb_mem ${hex(mem)}`);
    },
  };
};

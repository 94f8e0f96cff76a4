// The item-mode ops of the trace format (rb_item_init, item_put, item_get,
// item_get_discard, item_space), through the public ItemRingBuf API. The
// shared ring ops (space, size, capacity, empty, reset, rb_state, rb_mem,
// rb_internal_reset) come from ring-ops.ts through `ctx.ring`.

import { EAGAIN, ITEM_MAX_WORDS, ItemRingBuf } from '../../bindings/index.js';
import { arity, hex32, num, optNum, u32 } from './tokens.js';
import { TraceError, type OpFamily, type RingLike } from './types.js';

/** The first default payload word; the k-th word drawn since rb_item_init is this + k. */
const PATTERN_BASE = 0x11110000;

/** An ItemRingBuf seen as a RingLike: byte counts, as Zephyr's byte queries report them. */
function ringLike(rb: ItemRingBuf): RingLike {
  return {
    engine: rb.engine,
    address: rb.address,
    storageAddress: rb.storageAddress,
    capacityBytes: 4 * rb.capacity,
    get sizeBytes() {
      return 4 * rb.size;
    },
    get spaceBytes() {
      return 4 * rb.space;
    },
    get isEmpty() {
      return rb.isEmpty;
    },
    reset: () => rb.reset(),
    internalReset: (value) => rb.internalReset(value),
  };
}

/** The item-mode ops; see docs/trace-format.md. */
export const itemOps: OpFamily = (ctx) => {
  let rb: ItemRingBuf | undefined;
  let adapter: RingLike | undefined;
  // Default payload words drawn since rb_item_init, failed puts included.
  let drawn = 0;

  /** The item-mode buffer, if it is still the current ring (rb_init replaces it). */
  function items(): ItemRingBuf {
    if (rb === undefined || ctx.ring !== adapter) throw new TraceError('no item-mode ring buffer: rb_item_init first');
    return rb;
  }

  return {
    async rb_item_init(args) {
      arity(args, 1);
      const words = num(args[0], 'words');
      const engine = await ctx.newEngine();
      rb = new ItemRingBuf(engine, words);
      adapter = ringLike(rb);
      ctx.ring = adapter;
      drawn = 0;
      ctx.print(`rb_item_init size=${4 * rb.capacity}`);
    },
    item_put(args) {
      const type = num(args[0], 'type');
      const value = num(args[1], 'value');
      const n = num(args[2], 'nwords');
      const given = args.length - 3;
      if (given > n) throw new TraceError(`unexpected argument ${args[3 + n]}`);
      const r = items();
      // Beyond 255 words the API rejects the call (a deliberate deviation
      // from Zephyr's truncation): one word too many is enough to show it,
      // and a rejected call draws no pattern words.
      const data = new Uint32Array(Math.min(n, ITEM_MAX_WORDS + 1));
      for (let i = 0; i < data.length; i++) {
        data[i] = i < given ? u32(args[3 + i], `word ${i}`) : n <= ITEM_MAX_WORDS ? PATTERN_BASE + drawn++ : 0;
      }
      ctx.print(`item_put ${r.put(type, value, data)}`);
    },
    item_get(args) {
      arity(args, 1);
      const max = optNum(args[0], 'maxwords', ITEM_MAX_WORDS);
      const r = items();
      const dst = new Uint32Array(Math.min(max, ITEM_MAX_WORDS));
      const got = r.get(dst, 0, dst.length);
      if (got === EAGAIN) {
        ctx.print(`item_get ${got}`);
      } else if (got < 0) {
        ctx.print(`item_get ${got} size32=${r.itemWords}`);
      } else {
        const words = got === 0 ? '-' : Array.from(dst.subarray(0, got), hex32).join(' ');
        ctx.print(`item_get 0 type=${r.itemType} value=${r.itemValue} size32=${got} ${words}`);
      }
    },
    item_get_discard(args) {
      arity(args, 0);
      const r = items();
      const got = r.get();
      ctx.print(
        got < 0
          ? `item_get_discard ${got}`
          : `item_get_discard 0 type=${r.itemType} value=${r.itemValue} size32=${got}`,
      );
    },
    item_space(args) {
      arity(args, 0);
      ctx.print(`item_space ${items().space}`);
    },
  };
};

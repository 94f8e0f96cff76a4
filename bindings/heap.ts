// The heap: blocks in the memory itself, so that every thread and every
// engine sees the same placement (layout: assembly/layout.ts, "The memory as
// a whole"). The blocks tile the memory from HEAP_HEADER_BYTES to the top;
// each one's header says what it holds, how long it is, which life of it
// this is (its generation) and how many handles hold it. Every walk and
// change of that chain happens under the heap lock (heap-lock.ts).
//
// Reuse is first fit over the chain in address order, with free neighbours
// merged as soon as a block is freed and a free end given back to the top.
// First fit rather than size classes: buffers range from 64 bytes to 2 GiB,
// classes would waste up to half of a large one or need many lists, and the
// chain is short (a program holds tens of buffers, not millions), while
// merging keeps a create/free loop of any sizes within a fixed bound.

import {
  BLK_ATTACH_OFF,
  BLK_GEN_OFF,
  BLK_KIND_FREE,
  BLK_KIND_OFF,
  BLK_KIND_SCRATCH,
  BLK_LINES_OFF,
  HEAP_GEN_OFF,
  HEAP_HEADER_BYTES,
  HEAP_MAGIC_INIT,
  HEAP_MAGIC_OFF,
  HEAP_MAGIC_VALUE,
  HEAP_TOP_OFF,
  LINE_BYTES,
  MP_KIND_VALUE,
  RB_KIND_BYTES,
  RB_KIND_ITEMS,
} from '../assembly/layout.js';
import { lockHeap, unlockHeap } from './heap-lock.js';
import type { Views } from './views.js';

const PAGE = 65536;
/** A wasm32 memory ends at 2^32 bytes: 2^26 lines. */
const LIMIT_LINES = 2 ** 32 / LINE_BYTES;
/** Line of the first block's header. */
const FIRST = HEAP_HEADER_BYTES / LINE_BYTES;
/** Words of a line: a header at line `l` starts at word `l * WORDS`. */
const WORDS = LINE_BYTES / 4;
const MAGIC = HEAP_MAGIC_OFF >> 2,
  TOP = HEAP_TOP_OFF >> 2,
  GEN = HEAP_GEN_OFF >> 2,
  KIND = BLK_KIND_OFF >> 2,
  LINES = BLK_LINES_OFF >> 2,
  BGEN = BLK_GEN_OFF >> 2,
  ATTACH = BLK_ATTACH_OFF >> 2;

/** @internal A block for one handle: its payload's address and the generation of this life of it. */
export interface Block {
  readonly address: number;
  readonly generation: number;
}

const magicName = (word: number): string => `0x${word.toString(16)}`;

/**
 * @internal Checks that `memory` is laid out by this version of
 * wasm-ringbuf; with `claim`, lays out one whose heap magic is absent
 * (word 0 is 0). Safe to race: one compare-exchange picks the thread that
 * lays it out, and the others wait for its magic.
 * @throws TypeError for a memory that holds something else, or that is not
 * laid out and `claim` is false.
 */
export function initHeap(v: Views, claim: boolean): void {
  if (v.memory.buffer.byteLength < HEAP_HEADER_BYTES) {
    if (!claim) throw unclaimed(0);
    v.memory.grow(1);
    v.refresh();
  }
  v.sync();
  const i32 = v.i32;
  for (;;) {
    const seen = Atomics.load(i32, MAGIC);
    if (seen === HEAP_MAGIC_VALUE) return;
    // Another thread is laying it out: a few stores, then its magic.
    if (seen === HEAP_MAGIC_INIT) continue;
    if (seen !== 0) {
      throw new TypeError(
        `memory is not a wasm-ringbuf memory: word 0 is ${magicName(seen)}, expected ${magicName(HEAP_MAGIC_VALUE)} ("wrb5")`,
      );
    }
    if (!claim) throw unclaimed(seen);
    if (Atomics.compareExchange(i32, MAGIC, 0, HEAP_MAGIC_INIT) !== 0) continue;
    i32.fill(0, 1, HEAP_HEADER_BYTES >> 2);
    Atomics.store(i32, TOP, FIRST);
    // The magic last (seq-cst): a thread that sees it sees the header above.
    Atomics.store(i32, MAGIC, HEAP_MAGIC_VALUE);
    return;
  }
}

function unclaimed(word: number): TypeError {
  return new TypeError(
    `options.memory was not laid out by wasm-ringbuf (word 0 is ${magicName(word)}, not the heap magic "wrb5"): ` +
      'pass { claim: true } to lay it out, which overwrites its first 64 bytes and places buffers after them',
  );
}

/**
 * @internal Places a block with a payload of `bytes` bytes (1 or more) of
 * kind `kind`, held by one handle, and zeroes the first `zeroBytes` bytes
 * of its payload. Reuses the first free block that fits, else grows the
 * top (and the memory). `what` names the request in the RangeError thrown
 * when the memory cannot hold it (nothing is placed then).
 */
export function heapPlace(v: Views, kind: number, bytes: number, zeroBytes: number, what: string): Block {
  const need = 1 + Math.ceil(bytes / LINE_BYTES);
  v.sync();
  lockHeap(v.i32);
  try {
    const top = Atomics.load(v.u32, TOP);
    v.cover(top * LINE_BYTES);
    let u32 = v.u32;
    for (let at = FIRST; at < top; at += u32[at * WORDS + LINES]) {
      const h = at * WORDS,
        lines = u32[h + LINES];
      if (lines === 0) throw corrupted(at);
      if (u32[h + KIND] !== BLK_KIND_FREE || lines < need) continue;
      // Split: the rest stays free, with a header of its own.
      if (lines > need) setHeader(u32, at + need, BLK_KIND_FREE, lines - need, 0);
      return fill(v, at, kind, need, zeroBytes);
    }
    const end = top + need;
    if (end > LIMIT_LINES) {
      const start = (top + 1) * LINE_BYTES;
      throw new RangeError(
        `${what} does not fit: ${bytes} bytes from address ${start} pass the 4 GiB limit of a wasm32 memory`,
      );
    }
    grow(v, end * LINE_BYTES, what);
    u32 = v.u32;
    // The top only moves under the lock; it is atomic for readers without it (tests, tools).
    Atomics.store(u32, TOP, end);
    return fill(v, top, kind, need, zeroBytes);
  } finally {
    v.sync();
    unlockHeap(v.i32);
  }
}

/** Makes the block at line `at` (`lines` long) a live one of `kind`, held once, and returns it. */
function fill(v: Views, at: number, kind: number, lines: number, zeroBytes: number): Block {
  const generation = setHeader(v.u32, at, kind, lines, 1);
  const address = (at + 1) * LINE_BYTES;
  if (zeroBytes > 0) v.u8.fill(0, address, address + zeroBytes);
  return { address, generation };
}

/** Writes the header of a block at line `at` with a new generation, and returns that generation. */
function setHeader(u32: Uint32Array, at: number, kind: number, lines: number, holders: number): number {
  const h = at * WORDS,
    generation = nextGeneration(u32);
  u32[h + KIND] = kind;
  u32[h + LINES] = lines;
  u32[h + ATTACH] = holders;
  u32[h + BGEN] = generation;
  return generation;
}

/** The heap's next generation (under the lock; atomic so that tools reading it without the lock see whole values). */
function nextGeneration(u32: Uint32Array): number {
  return (Atomics.add(u32, GEN, 1) + 1) >>> 0;
}

/** The class (or area) a block kind holds, for error messages. */
function kindName(kind: number): string {
  switch (kind) {
    case RB_KIND_BYTES:
      return 'a RingBuf';
    case RB_KIND_ITEMS:
      return 'an ItemRingBuf';
    case MP_KIND_VALUE:
      return 'an MpscPbuf';
    case BLK_KIND_SCRATCH:
      return 'an internal scratch area';
    default:
      return `kind 0x${kind.toString(16)}`;
  }
}

/** Set by findBlock: the header line of the block before the one found, or -1. */
let prev = -1;

/**
 * The header line of the block whose payload starts at `address` (and in
 * `prev` the header line of the block before it, or -1), walking the chain
 * from the first block; -1 when no block starts there. Under the lock.
 */
function findBlock(v: Views, address: number): number {
  const top = Atomics.load(v.u32, TOP);
  v.cover(top * LINE_BYTES);
  const u32 = v.u32;
  prev = -1;
  for (let at = FIRST; at < top; ) {
    const payload = (at + 1) * LINE_BYTES;
    if (payload === address) return at;
    if (payload > address) break;
    prev = at;
    const lines = u32[at * WORDS + LINES];
    if (lines === 0) throw corrupted(at);
    at += lines;
  }
  return -1;
}

/** A header of length 0 would stop every walk: nothing of ours writes one, so the memory was overwritten. */
function corrupted(at: number): Error {
  return new Error(`the heap's block chain is corrupted: the header at ${at * LINE_BYTES} says 0 lines`);
}

/**
 * @internal Adds a holder to the live block of kind `kind` and generation
 * `generation` whose payload starts at `address`, after proving it is one:
 * a block start on the chain, not free, of that generation and kind.
 * `type` names the class in the errors.
 * @throws TypeError when no block starts at `address` or it holds another
 * kind; Error when the block was freed since the descriptor was made.
 */
export function heapAttach(v: Views, address: number, kind: number, generation: number, type: string): void {
  v.sync();
  lockHeap(v.i32);
  try {
    const at = findBlock(v, address);
    if (at < 0) {
      throw new TypeError(
        `descriptor.address ${address} is not the start of a live ${type} placed by this memory's heap (freed, or never one)`,
      );
    }
    const u32 = v.u32,
      h = at * WORDS,
      found = u32[h + KIND];
    if (found === BLK_KIND_FREE) throw new Error(`descriptor is stale: the ${type} at ${address} was freed`);
    if (u32[h + BGEN] !== generation) {
      throw new Error(
        `descriptor is stale: the ${type} at ${address} was freed and its memory placed again ` +
          `(descriptor.generation ${generation}, the block's ${u32[h + BGEN]})`,
      );
    }
    if (found !== kind) {
      throw new TypeError(`descriptor.address ${address} does not hold a ${type}: it holds ${kindName(found)}`);
    }
    u32[h + ATTACH] = u32[h + ATTACH] + 1;
  } finally {
    v.sync();
    unlockHeap(v.i32);
  }
}

/**
 * @internal Removes one holder from `block`; the last one frees it: the
 * block turns free with a new generation (so its descriptors no longer
 * attach), merges with free neighbours, and a free block at the end gives
 * its lines back to the top.
 * @throws Error if `block` is not a live block of that generation (a bug: handles release once).
 */
export function heapRelease(v: Views, block: Block): void {
  v.sync();
  lockHeap(v.i32);
  try {
    const at = findBlock(v, block.address),
      before = prev,
      u32 = v.u32,
      h = at * WORDS;
    if (at < 0 || u32[h + KIND] === BLK_KIND_FREE || u32[h + BGEN] !== block.generation) {
      throw new Error(`the heap has no live block at ${block.address} of generation ${block.generation}`);
    }
    const holders = u32[h + ATTACH] - 1;
    u32[h + ATTACH] = holders;
    if (holders > 0) return;
    const top = Atomics.load(u32, TOP);
    let start = at,
      lines = u32[h + LINES];
    const next = at + lines;
    if (next < top && u32[next * WORDS + KIND] === BLK_KIND_FREE) lines += u32[next * WORDS + LINES];
    if (before >= 0 && u32[before * WORDS + KIND] === BLK_KIND_FREE) {
      start = before;
      lines += u32[before * WORDS + LINES];
    }
    // The freed header gets a new generation even when merged away, so that
    // nothing stale can match it should a later split put a header here again.
    u32[h + BGEN] = nextGeneration(u32);
    u32[h + KIND] = BLK_KIND_FREE;
    if (start + lines === top) Atomics.store(u32, TOP, start);
    else setHeader(u32, start, BLK_KIND_FREE, lines, 0);
  } finally {
    v.sync();
    unlockHeap(v.i32);
  }
}

/** Grows the memory to at least `end` bytes, or throws a RangeError naming `what`. */
function grow(v: Views, end: number, what: string): void {
  const have = v.memory.buffer.byteLength;
  if (end <= have) {
    v.cover(end);
    return;
  }
  try {
    v.memory.grow(Math.ceil((end - have) / PAGE));
  } catch {
    throw new RangeError(
      `${what} does not fit: the memory cannot grow to ${end} bytes (it has ${have}; its maximum was set when it was created)`,
    );
  }
  v.refresh();
}

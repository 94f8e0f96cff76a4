// What every buffer class is made of: an engine, a control block address in
// its memory, the storage beside it, and a descriptor another thread attaches
// from. RingBuf, ItemRingBuf and MpscPbuf extend Handle and add only their
// own operations. The lifecycle's common part (state, abort) lives here too.

import {
  LINE_BYTES,
  MP_ABORT_CODE_OFF,
  MP_COMMITS_OFF,
  MP_CONSUMER_OWNER_OFF,
  MP_SEM_OFF,
  MP_STATE_OFF,
  RB_ABORT_CODE_OFF,
  RB_CB_BYTES,
  RB_CONSUMER_OWNER_OFF,
  RB_DATA_WAKE_OFF,
  RB_PRODUCER_OWNER_OFF,
  RB_SPACE_WAKE_OFF,
  RB_STATE_OFF,
  ST_ABORTED,
  ST_OPEN,
  U32_MAX,
} from '../assembly/layout.js';
import { placeBlock, releaseBlock, ticket } from './blocks.js';
import type { Core } from './core.js';
import { checkEngine, type Engine } from './engine.js';
import { checkInt } from './errors.js';
import { freedPrototype } from './freed.js';
import { InFlight } from './in-flight.js';
import { type Block, heapAttach } from './heap.js';
import { type BufferState, Lifecycle } from './lifecycle.js';
import { ownerToken, SideOwner } from './owner.js';
import type { Views } from './views.js';

/**
 * The class a descriptor belongs to.
 * @example
 * ```ts
 * const attachers = { RingBuf, ItemRingBuf } satisfies Partial<Record<BufferType, unknown>>;
 * ```
 */
export type BufferType = 'RingBuf' | 'ItemRingBuf' | 'MpscPbuf';

/**
 * What another thread needs to attach to a buffer; `postMessage` can carry
 * it when the memory is shared.
 * @example
 * ```ts
 * worker.postMessage(rb.descriptor);                 // main thread
 * const rb = RingBuf.attach(engine, event.data);     // worker
 * ```
 */
export interface BufferDescriptor {
  /** `'RingBuf'`, `'ItemRingBuf'` or `'MpscPbuf'`. */
  type: string;
  /** The memory that holds the buffer. */
  memory: WebAssembly.Memory;
  /** Address of the buffer's control block in that memory. */
  address: number;
  /**
   * Which life of that memory block the descriptor names: a block freed
   * and placed again has a new one, so a stale descriptor is refused.
   */
  generation: number;
}

/**
 * The part every buffer class shares: the engine it runs on, where its
 * control block and storage lie, and its descriptor.
 * @example
 * ```ts
 * function describe(h: Handle): string {
 *   return `${h.descriptor.type} at ${h.address}, storage at ${h.storageAddress}`;
 * }
 * ```
 */
export abstract class Handle {
  /** The engine (memory and core) this handle runs on. */
  readonly engine: Engine;
  /** Address of the control block; with the memory it identifies the buffer. */
  readonly address: number;
  /** Absolute byte address of the storage in the memory, for code that works in place (your own wasm). */
  readonly storageAddress: number;
  /** @internal */
  protected readonly core: Core;
  /** @internal Read only through {@link Handle.fresh}: the core keeps them current for itself, not for us. */
  protected readonly views: Views;
  /** @internal The state and abort code in the control block (lifecycle.ts). */
  protected readonly lc: Lifecycle;
  /**
   * @internal The owner words of this handle's sides (owner.ts); `producer`
   * is null where producers are not owned (MpscPbuf).
   */
  protected readonly producer: SideOwner | null;
  /** @internal */
  protected readonly consumer: SideOwner;
  /**
   * The one-load check of every operation, per side: a one-word view of the
   * state once this handle owns the side (or the side has no owner), and
   * NOT_HELD until then, so that the first operation takes the slow path,
   * which takes the side.
   */
  private putGate: Int32Array;
  private getGate: Int32Array;
  private readonly type: BufferType;
  /** The heap block this handle holds (one of its holders). */
  private readonly block: Block;
  /** @internal This handle's async waits in flight: release() gives the block back after them. */
  protected readonly inFlight = new InFlight();

  /**
   * @internal Takes the buffer in `block` (placed or attached for this
   * handle), whose storage address is the word at `storageOff` of its
   * control block and spans `storageBytes`.
   */
  constructor(engine: Engine, type: BufferType, block: Block, storageOff: number, storageBytes: number) {
    checkEngine(engine);
    this.engine = engine;
    this.type = type;
    this.core = engine.core;
    this.views = engine.views;
    this.block = block;
    const address = block.address;
    this.address = address;
    this.storageAddress = this.views.u32[(address + storageOff) >>> 2];
    // Another thread may have placed the buffer beyond what our views cover.
    this.views.cover(this.storageAddress + storageBytes);
    // Close and abort wake both kinds of sleepers through these words: the
    // rings' wake words, MpscPbuf's commit and free counters.
    this.lc =
      type === 'MpscPbuf'
        ? new Lifecycle(this.views, type, address, MP_STATE_OFF, MP_ABORT_CODE_OFF, MP_COMMITS_OFF, MP_SEM_OFF)
        : new Lifecycle(
            this.views,
            type,
            address,
            RB_STATE_OFF,
            RB_ABORT_CODE_OFF,
            RB_DATA_WAKE_OFF,
            RB_SPACE_WAKE_OFF,
          );
    const token = ownerToken(this.views);
    const ring = type !== 'MpscPbuf';
    this.producer = ring ? new SideOwner(this.views, type, 'producer', address + RB_PRODUCER_OWNER_OFF, token) : null;
    this.consumer = new SideOwner(
      this.views,
      type,
      'consumer',
      address + (ring ? RB_CONSUMER_OWNER_OFF : MP_CONSUMER_OWNER_OFF),
      token,
    );
    this.putGate = ring ? NOT_HELD : this.lc.gate();
    this.getGate = NOT_HELD;
  }

  /**
   * @internal Lets an operation of one side go on, or throws: on an aborted
   * buffer always, on a closed one for a producer's operation, and
   * SideOwnedError if another handle owns the side. The side's first
   * operation takes it. One load while open and owned.
   */
  protected live(producer: boolean): void {
    if ((producer ? this.putGate : this.getGate)[0] !== ST_OPEN) this.enter(producer, false);
  }

  /** @internal As live(true), but a closed buffer lets it go on (RingBuf.flush, MpscPbuf.commit). */
  protected liveAfterClose(): void {
    if (this.putGate[0] !== ST_OPEN) this.enter(true, true);
  }

  /** The slow path of live(): the state's errors first, then the side's owner. */
  private enter(producer: boolean, closedOk: boolean): void {
    let gate = this.lc.check(producer && !closedOk);
    const owner = producer ? this.producer : this.consumer;
    // A ring that is no longer open has no producer to protect: nothing can be put.
    if (owner !== null && !owner.held && !(producer && gate[0] !== ST_OPEN)) {
      owner.take();
      // A close that released the side just before our take stored CLOSED first: look again.
      if (producer && this.lc.load() !== ST_OPEN) {
        owner.release();
        gate = this.lc.check(!closedOk);
      }
    }
    if (producer) this.putGate = gate;
    else this.getGate = gate;
  }

  /** @internal Takes the producer side for this handle (close), or throws SideOwnedError. */
  protected holdProducer(): void {
    this.producer?.take();
  }

  /** @internal Whether this handle owns the producer side, or could take it now (taking it). */
  protected mayProduce(): boolean {
    return this.producer === null || this.producer.tryTake();
  }

  /**
   * @internal Throws SideOwnedError if another handle owns either side:
   * reset empties both, and would drop that handle's claims and staged bytes.
   */
  protected checkBothSidesFree(): void {
    this.producer?.checkNotElsewhere();
    this.consumer.checkNotElsewhere();
  }

  /**
   * @internal Gives back every side this handle owns (release() and
   * [Symbol.dispose] call it), after settling what the handle kept of each
   * (see {@link Handle.settle}). Another handle may then take them; so may
   * this one, on its next operation of that side.
   */
  releaseSides(): void {
    this.releaseSide(true);
    this.releaseSide(false);
  }

  /** @internal Gives back one side if this handle owns it. */
  protected releaseSide(producer: boolean): void {
    const owner = producer ? this.producer : this.consumer;
    if (owner === null || !owner.held) return;
    if (this.lc.load() !== ST_ABORTED) this.settle(producer);
    owner.release();
    if (producer) this.putGate = NOT_HELD;
    else this.getGate = NOT_HELD;
  }

  /**
   * @internal Before a side is given back, on a buffer not aborted: leaves
   * nothing of it half done in this handle (claims, staged bytes), so that
   * the next owner starts clean. Nothing by default.
   */
  protected settle(_producer: boolean): void {}

  /**
   * Either side: gives up. Every later operation on every handle of the
   * buffer, in every thread, throws `BufferAbortedError` with `code`,
   * and every blocked or async wait on either side wakes at once and throws
   * it. The first abort's code stays; aborting again does nothing.
   * @throws RangeError if `code` is not an integer from 1 to 2^31-1.
   * @example
   * ```ts
   * rb.abort(7);                 // the other thread: "RingBuf was aborted (code 7)"
   * ```
   */
  abort(code: number): void {
    this.lc.abort(code);
  }

  /**
   * `'open'`, `'closed'` (closed: data committed before stays readable) or
   * `'aborted'`, as stored in the control block: the same for every thread.
   * @example
   * ```ts
   * if (rb.state !== 'open') stopProducing();
   * ```
   */
  get state(): BufferState {
    return this.lc.name;
  }

  /**
   * The code given to `abort`, 0 unless aborted.
   * @example
   * ```ts
   * if (rb.state === 'aborted') process.exitCode = rb.abortCode;
   * ```
   */
  get abortCode(): number {
    return this.lc.code;
  }

  /**
   * What `attach` needs, ready for `postMessage`.
   * @example
   * ```ts
   * worker.postMessage(rb.descriptor);
   * ```
   */
  get descriptor(): BufferDescriptor {
    return { type: this.type, memory: this.engine.memory, address: this.address, generation: this.block.generation };
  }

  /**
   * Frees this handle: it lets go of the buffer. (Named `release`, not
   * `free`, because `MpscPbuf.free` is Zephyr's packet free.) When the last handle on it,
   * in any thread, lets go, its memory (control block, storage and side
   * tables) goes back to the heap for the next buffer, and its descriptors
   * stop attaching. Every later use of this handle throws
   * `BufferFreedError`; freeing again does nothing. Data is not lost by
   * freeing: a RingBuf publishes what `write` left pending first. Memory
   * views taken from the handle (`storage`, `words`) must not be used
   * after. Async waits of this handle still pending wake at once and reject
   * with `BufferFreedError`; the memory goes back only after they end.
   * @example
   * ```ts
   * const rb = new RingBuf(engine, 4096);
   * rb.put(bytes);
   * rb.release();               // the 4 KiB can hold the next buffer
   * rb.put(bytes);              // throws BufferFreedError
   * ```
   */
  release(): void {
    // An abort racing in from another thread can make a step throw: each later step runs all the same.
    try {
      // Settles and gives back the sides it owns: write()'s pending bytes are published first.
      this.releaseSides();
    } finally {
      try {
        this.letGo();
      } finally {
        try {
          // Pending async waits still touch the control block: the block goes back when the last one ends.
          const { engine, block } = this;
          if (this.inFlight.release(() => releaseBlock(engine, block))) this.lc.wakeAll();
        } finally {
          // The handle's methods now throw: live handles pay nothing for this check.
          Object.setPrototypeOf(this, freedPrototype(Object.getPrototypeOf(this)));
        }
      }
    }
  }

  /** @internal What a class does before its handle lets go: publish pending data, release side areas. Must not throw. */
  protected letGo(): void {}

  /**
   * @internal The memory's views, current: an unshared memory that grew
   * since they were built has detached them. Every read or write of the
   * memory by the class itself goes through this, once per operation.
   */
  protected fresh(): Views {
    const v = this.views;
    // attached() (views.ts) by hand: one call less on the hot paths, which V8 inlines within a budget.
    if (v.u32.length === 0) v.refresh();
    return v;
  }
}

/** The gate of a side this handle does not own yet: never ST_OPEN, never written. */
const NOT_HELD = new Int32Array([-1]);

/**
 * @internal Proves that `d` names a live buffer of class `type` (block kind
 * `kind`) in `engine`'s memory, adds a holder to its block and returns the
 * ticket for the constructor. The descriptor is read once: a getter cannot
 * answer one thing to the checks and another to the use.
 */
export function attachBlock(engine: Engine, d: BufferDescriptor, type: BufferType, kind: number): Block {
  checkEngine(engine);
  if (d === null || typeof d !== 'object') throw new TypeError(`descriptor must be a ${type} descriptor object`);
  const { type: dType, memory, address, generation } = d;
  if (dType !== type) throw new TypeError(`descriptor.type must be '${type}', got ${String(dType)}`);
  if (memory !== engine.memory) {
    throw new TypeError(
      "descriptor.memory must be the engine's memory: create the engine with { memory: descriptor.memory }",
    );
  }
  checkInt('descriptor.address', address, LINE_BYTES, U32_MAX + 1 - LINE_BYTES);
  checkInt('descriptor.generation', generation, 0, U32_MAX);
  // Every control block starts on a line (heap.ts) and lies inside the memory.
  if (address % LINE_BYTES !== 0) {
    throw new RangeError(`descriptor.address must be a multiple of ${LINE_BYTES}, got ${address}`);
  }
  const end = engine.memory.buffer.byteLength;
  if (address + LINE_BYTES > end) {
    throw new RangeError(
      `descriptor.address must be at most ${end - LINE_BYTES} (the memory has ${end} bytes), got ${address}`,
    );
  }
  // The heap walks its chain of blocks: only a block start it placed, live,
  // of this kind and of this generation, is accepted.
  heapAttach(engine.views, address, kind, generation, type);
  return ticket({ address, generation });
}

/**
 * @internal Places a new, empty ring (either kind) of `capacity` units of
 * `unitBytes` bytes and returns its block (its address: the control block). `what` names the
 * request in the error thrown when the memory cannot hold it.
 */
export function placeRing(
  engine: Engine,
  kind: number,
  capacity: number,
  maxCapacity: number,
  unitBytes: number,
  what: string,
): Block {
  checkEngine(engine);
  checkInt('capacity', capacity, 1, maxCapacity);
  const bytes = unitBytes * capacity;
  const block = placeBlock(engine, kind, RB_CB_BYTES + bytes, 0, what);
  engine.core.rb_init(block.address, kind, block.address + RB_CB_BYTES, bytes);
  return block;
}

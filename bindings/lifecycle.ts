// A buffer's lifecycle in shared memory: open, then closed by the producer
// side (the consumer drains what was committed, then sees end-of-stream),
// or aborted by either side with a code (every operation then throws, and
// every sleeper wakes at once). Two words of the control block's line 0
// hold it (assembly/layout.ts): the state and the abort code, read and
// written with Atomics, so every thread and either engine sees the same.
//
//   OPEN ──close()──> CLOSED ──abort(code)──> ABORTED
//     └────────────────abort(code)──────────────┘
//
// No byte committed before a close is missed: the producer publishes its
// tail (seq-cst store) before it stores CLOSED (seq-cst); a consumer that
// finds nothing reads the state and, if CLOSED, reads the tail again before
// it concludes end-of-stream. That read comes after the CLOSED store, hence
// after the last tail store. (MpscPbuf: allocations read the state in the
// core's lock, and the consumer counts what is left under it.)
//
// The state only moves forward. Close and abort store it, then add 1 to
// both of the buffer's wake words and notify them: the words a sleeper of
// either side waits on (RingBuf/ItemRingBuf: RB_DATA_WAKE_OFF and
// RB_SPACE_WAKE_OFF; MpscPbuf: MP_COMMITS and MP_SEM). A sleeper reads its
// wake word before it reads the state and sleeps only while the word still
// holds what it read, so a close or abort that it did not see in the state
// has changed the word it sleeps on: no wake-up is lost (the full argument
// is in docs/design.md §10). Operations check the state with one load of line 0,
// which every operation reads anyway and which stays clean in every cache
// while the buffer is open.

import { ST_ABORTED, ST_CLOSED, ST_OPEN } from '../assembly/layout.js';
import { checkInt } from './errors.js';
import type { Views } from './views.js';

/**
 * Where a buffer is in its life: `'open'`; `'closed'` once the producer side
 * closed it (data committed before stays readable); `'aborted'` once either
 * side aborted it (every operation throws {@link BufferAbortedError}).
 * @example
 * ```ts
 * if (rb.state === 'aborted') console.log('gave up with code', rb.abortCode);
 * ```
 */
export type BufferState = 'open' | 'closed' | 'aborted';

const NAMES: readonly BufferState[] = ['open', 'closed', 'aborted'];

/**
 * Thrown by a producer operation (put, write, putClaim, alloc, putWord…) on
 * a closed buffer, and by `waitForSpace` once it is closed. Nothing was
 * written.
 * @example
 * ```ts
 * rb.close();
 * try { rb.put(chunk); } catch (e) { if (e instanceof BufferClosedError) console.log(e.message); }
 * // "RingBuf is closed: no more data can be put"
 * ```
 */
export class BufferClosedError extends Error {
  /** @internal */
  constructor(type: string) {
    super(`${type} is closed: no more data can be put`);
    this.name = 'BufferClosedError';
  }
}

/**
 * Thrown by every operation, on either side, once the buffer is aborted,
 * and by every wait that was asleep when it happened. `code` is the number
 * given to `abort`.
 * @example
 * ```ts
 * try { rb.get(out); } catch (e) {
 *   if (e instanceof BufferAbortedError) console.log(e.code, e.message);   // 7 "RingBuf was aborted (code 7)"
 * }
 * ```
 */
export class BufferAbortedError extends Error {
  /** The code given to `abort` (an integer from 1 to 2^31-1). */
  readonly code: number;

  /** @internal */
  constructor(type: string, code: number) {
    super(`${type} was aborted (code ${code})`);
    this.name = 'BufferAbortedError';
    this.code = code;
  }
}

/** Largest abort code: codes are stored in one signed 32-bit word, 0 meaning none. */
export const ABORT_CODE_MAX = 0x7fffffff;

/**
 * @internal The lifecycle words of one buffer in this thread. Operations
 * check the state through {@link Lifecycle.gate}, a one-word view of it kept
 * by the handle: `gate[0] !== ST_OPEN` is one load (a plain one: the
 * ordering that end-of-stream needs is in the slow paths). A grown unshared
 * memory detaches the gate, which then reads undefined and also takes the
 * slow path, {@link Lifecycle.check}, which returns a fresh gate.
 */
export class Lifecycle {
  readonly stateWord: number;
  private readonly codeWord: number;
  private readonly wakeA: number;
  private readonly wakeB: number;
  private readonly views: Views;
  private readonly type: string;

  /**
   * Over the control block at `cb`: its state and code words at `stateOff`
   * and `codeOff`, the wake words of its two kinds of sleepers at `wakeOffA`
   * and `wakeOffB` (byte offsets from `cb`). `type` names the class in errors.
   */
  constructor(
    views: Views,
    type: string,
    cb: number,
    stateOff: number,
    codeOff: number,
    wakeOffA: number,
    wakeOffB: number,
  ) {
    this.views = views;
    this.type = type;
    this.stateWord = (cb + stateOff) >>> 2;
    this.codeWord = (cb + codeOff) >>> 2;
    this.wakeA = (cb + wakeOffA) >>> 2;
    this.wakeB = (cb + wakeOffB) >>> 2;
  }

  /** The state word (ST_OPEN, ST_CLOSED or ST_ABORTED), sequentially consistent. */
  load(): number {
    const v = this.views;
    v.sync();
    return Atomics.load(v.i32, this.stateWord);
  }

  /** The state by name. */
  get name(): BufferState {
    return NAMES[this.load()];
  }

  /** The abort code, 0 unless aborted. */
  get code(): number {
    return this.load() === ST_ABORTED ? Atomics.load(this.views.i32, this.codeWord) : 0;
  }

  /** A one-word view of the state, over the memory's current buffer. */
  gate(): Int32Array {
    const v = this.views;
    v.sync();
    return new Int32Array(v.i32.buffer, this.stateWord * 4, 1);
  }

  /**
   * The slow path of an operation's state check: throws the error of the
   * state for a producer (closed or aborted) or a consumer (aborted only),
   * or returns a current gate when the operation may go on.
   */
  check(producer: boolean): Int32Array {
    const s = this.load();
    if (s === ST_ABORTED) throw this.aborted();
    if (s === ST_CLOSED && producer) throw new BufferClosedError(this.type);
    return this.gate();
  }

  /** The error for a state that is no longer open: aborted, else closed. */
  refusal(): Error {
    return this.load() === ST_ABORTED ? this.aborted() : new BufferClosedError(this.type);
  }

  /** The abort error with the stored code. */
  aborted(): BufferAbortedError {
    return new BufferAbortedError(this.type, Atomics.load(this.views.i32, this.codeWord));
  }

  /**
   * Moves OPEN to CLOSED and wakes every sleeper; idempotent on a closed
   * buffer; throws the abort error on an aborted one. The caller has
   * published everything the producer committed: that tail store (seq-cst)
   * comes before this compare-exchange (seq-cst), which is what lets a
   * consumer that sees CLOSED trust the tail it reads next (docs/design.md §10).
   */
  close(): void {
    const v = this.views;
    v.sync();
    const was = Atomics.compareExchange(v.i32, this.stateWord, ST_OPEN, ST_CLOSED);
    if (was === ST_ABORTED) throw this.aborted();
    if (was === ST_OPEN) this.wake(v.i32);
  }

  /**
   * Moves the state to ABORTED with `code` (the first abort's code stays)
   * and wakes every sleeper on either side.
   * @throws RangeError if `code` is not an integer from 1 to 2^31-1.
   */
  abort(code: number): void {
    checkInt('code', code, 1, ABORT_CODE_MAX);
    const v = this.views;
    v.sync();
    const i32 = v.i32;
    // The code before the state: whoever sees ABORTED reads a code that is set.
    Atomics.compareExchange(i32, this.codeWord, 0, code);
    if (Atomics.exchange(i32, this.stateWord, ST_ABORTED) !== ST_ABORTED) this.wake(i32);
  }

  /**
   * Wakes every sleeper of the buffer without changing its state: a
   * released handle's pending async waits then end (in-flight.ts); the
   * other sleepers look again and sleep on, as after any spurious wake-up.
   */
  wakeAll(): void {
    const v = this.views;
    v.sync();
    this.wake(v.i32);
  }

  /**
   * After the state store: change both wake words, then notify them. A
   * sleeper that read the state before the store read its wake word before
   * this add, so its Atomics.wait either finds the word changed or is asleep
   * already and gets the notify (docs/design.md §3 and §10).
   */
  private wake(i32: Int32Array): void {
    Atomics.add(i32, this.wakeA, 1);
    Atomics.add(i32, this.wakeB, 1);
    Atomics.notify(i32, this.wakeA);
    Atomics.notify(i32, this.wakeB);
  }
}

declare const NO_DISPOSE: unique symbol;

/**
 * The type of `Symbol.dispose` where the consumer's TypeScript libs declare
 * it (esnext, or @types/node), else a symbol of our own: the declarations
 * then compile in a project whose libs lack it, and `using` type-checks in
 * one that has it.
 * @example
 * ```ts
 * const key: DisposeSymbol = DISPOSE;     // typeof Symbol.dispose with lib esnext
 * ```
 */
export type DisposeSymbol = SymbolConstructor extends { readonly dispose: infer S extends symbol }
  ? S
  : typeof NO_DISPOSE;

/**
 * The key of `[Symbol.dispose]`: the well-known symbol where the runtime has
 * it (Node 20 and newer, current browsers), else the registered symbol that
 * down-levelled `using` looks for.
 * @example
 * ```ts
 * rb[DISPOSE]();                           // the same as rb[Symbol.dispose]()
 * ```
 */
export const DISPOSE: DisposeSymbol = ((Symbol as { dispose?: symbol }).dispose ??
  Symbol.for('Symbol.dispose')) as DisposeSymbol;

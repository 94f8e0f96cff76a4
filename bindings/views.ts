// Typed-array views over one WebAssembly.Memory, shared by every buffer and
// engine of that memory in this thread. They are built once and rebuilt only
// when the memory has grown: a shared memory's old views stay valid for the
// old length (buffers never move), an unshared memory's old views detach.

/** Views of one memory; checking that they are attached is the only per-operation cost. */
export class Views {
  readonly memory: WebAssembly.Memory;
  /**
   * Whether the memory is shared. Fixed for the memory's life: on an unshared
   * one no other thread can look, so the JS twin may use plain accesses where
   * a shared one needs Atomics (bindings/js/ringbuf.ts).
   */
  readonly shared: boolean;
  u8!: Uint8Array;
  u32!: Uint32Array;
  i32!: Int32Array;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.refresh();
  }

  /** Rebuilds the views over the memory's current buffer. */
  refresh(): void {
    const buf = this.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
  }

  /**
   * Makes the views usable: an unshared memory grown by anyone (our heap,
   * the caller, another module) detaches them, which shows as length 0.
   */
  sync(): void {
    if (this.u32.length === 0) this.refresh();
  }

  /** Makes sure the views cover `end` bytes (a block placed by another thread after it grew the memory). */
  cover(end: number): void {
    if (this.u8.length < end) this.refresh();
  }
}

/**
 * Returns `v`, reattached if the memory grew under it. Every entry point of
 * the JS twin (bindings/js/) starts with it, so callers never sync for the
 * twin. A length load, not a compare with `memory.buffer`, whose getter
 * costs tens of nanoseconds (bench/README.md).
 */
export function attached(v: Views): Views {
  if (v.u32.length === 0) v.refresh();
  return v;
}

const registry = new WeakMap<WebAssembly.Memory, Views>();

/** The one Views object of `memory` in this thread. */
export function viewsOf(memory: WebAssembly.Memory): Views {
  let v = registry.get(memory);
  if (v === undefined) {
    v = new Views(memory);
    registry.set(memory, v);
  }
  return v;
}

// wasm-ringbuf: Zephyr's ring buffer and MPSC packet buffer over one
// WebAssembly memory, with a WebAssembly core and a TypeScript twin.
export { createEngine, Engine } from './engine.js';
export type { EngineKind, EngineOptions } from './engine.js';
export { RingBuf } from './ringbuf.js';
export type { BufferDescriptor, BufferType, Handle } from './handle.js';
export { ItemRingBuf, EAGAIN, EMSGSIZE, ITEM_MAX_WORDS } from './item-ringbuf.js';
export { MpscPbuf } from './mpsc-pbuf.js';
export type { MpscPbufOptions, MpscHandleOptions, DropCallback, WlenFunction } from './mpsc-pbuf.js';
export { canBlock } from './wait.js';
export { BufferClosedError, BufferAbortedError } from './lifecycle.js';
export { BufferFreedError } from './freed.js';
export { SideOwnedError } from './owner.js';
export type { BufferSide } from './owner.js';
export type { BufferState, DisposeSymbol } from './lifecycle.js';

// wasm-ringbuf: Zephyr's ring buffer and MPSC packet buffer over one
// WebAssembly memory, with a WebAssembly core and a TypeScript twin.
export { createEngine, Engine } from './engine.js';
export type { EngineKind, EngineOptions } from './engine.js';
export { RingBuf } from './ringbuf.js';
export type { BufferDescriptor } from './ringbuf.js';

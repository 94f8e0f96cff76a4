// The WebAssembly core: stateless functions over host-given addresses.
// Each concern lives in its own file; this entry only gathers the exports.
export * from './ringbuf';
export * from './mpsc';
export * from './items';

// An engine is one memory plus one implementation of the core over it: the
// WebAssembly module ('wasm') or its TypeScript twin ('js'). Both work on the
// same layout, so buffers made through one can be used through the other.

import type { Core } from './core.js';
import { checkInt } from './errors.js';
import { initHeap, heapAlloc } from './heap.js';
import { jsCore } from './js/index.js';
import { viewsOf, type Views } from './views.js';

/** Which implementation of the core an engine runs. */
export type EngineKind = 'wasm' | 'js';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Use this memory (for example one received from another thread). Default: a new one. */
  memory?: WebAssembly.Memory;
  /**
   * Make the new memory shared, so that other threads can attach. Default: false.
   * In a browser the page must be cross-origin isolated (served with
   * `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`); otherwise
   * {@link createEngine} throws an Error that names those headers.
   */
  shared?: boolean;
  /** Initial size of a new memory, in 64 KiB pages. Default: 1. */
  initialPages?: number;
  /** Maximum size of a new memory, in 64 KiB pages. Default: 65536 (4 GiB; virtual until used). */
  maximumPages?: number;
  /**
   * The compiled core, or its bytes, or where to fetch it from. Default: the
   * `build/core.wasm` (shared memory) or `build/core.unshared.wasm` shipped
   * with the package. A Module can be passed to workers with postMessage.
   */
  module?: WebAssembly.Module | BufferSource | URL | string;
}

/**
 * One memory and one core over it. Create it with {@link createEngine}.
 *
 * @example
 * ```ts
 * const engine = await createEngine('wasm', { shared: true });
 * const rb = new RingBuf(engine, 4096);
 * ```
 */
export class Engine {
  /** `'wasm'` or `'js'`. */
  readonly kind: EngineKind;
  /** The memory that holds every buffer of this engine. */
  readonly memory: WebAssembly.Memory;
  /** The compiled core (wasm engines only), to hand to workers. */
  readonly module: WebAssembly.Module | undefined;
  /** @internal The core's functions. */
  readonly core: Core;
  /** @internal Views of the memory, shared with every engine of it in this thread. */
  readonly views: Views;

  /** @internal Use {@link createEngine}. */
  constructor(kind: EngineKind, memory: WebAssembly.Memory, core: Core, module: WebAssembly.Module | undefined) {
    this.kind = kind;
    this.memory = memory;
    this.core = core;
    this.module = module;
    this.views = viewsOf(memory);
    initHeap(this.views);
  }

  /** Whether the memory is shared (a SharedArrayBuffer underneath), so other threads can attach. */
  get shared(): boolean {
    return isShared(this.memory);
  }

  /** @internal Places `bytes` bytes, 64-byte aligned, in the memory. */
  alloc(bytes: number, what: string): number {
    return heapAlloc(this.views, bytes, what);
  }
}

/** @internal Throws a TypeError unless `engine` came from createEngine; run before anything uses it. */
export function checkEngine(engine: unknown): asserts engine is Engine {
  if (!(engine instanceof Engine)) {
    const got =
      engine === null
        ? 'null'
        : typeof engine === 'object'
          ? `a ${engine.constructor?.name ?? 'object'}`
          : typeof engine;
    throw new TypeError(`engine must be an Engine made by createEngine, got ${got}`);
  }
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

async function loadModule(source: EngineOptions['module'], shared: boolean): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source !== undefined && typeof source !== 'string' && !(source instanceof URL)) {
    return WebAssembly.compile(source);
  }
  const url = source ?? new URL(shared ? '../../build/core.wasm' : '../../build/core.unshared.wasm', import.meta.url);
  const key = String(url);
  let p = compiled.get(key);
  if (p === undefined) {
    p = compileFrom(new URL(key, import.meta.url));
    compiled.set(key, p);
  }
  return p;
}

// A specifier held in a variable: bundlers leave the import alone instead of
// failing on (or polyfilling) a Node built-in that browsers never reach.
const NODE_FS = 'node:fs/promises';

async function compileFrom(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === 'file:') {
    // Node (and Deno) only: browsers never see file: URLs here.
    const { readFile } = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs/promises');
    return WebAssembly.compile(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load the wasm core from ${url}: HTTP ${response.status}`);
  // compileStreaming compiles while the bytes arrive, but only accepts the
  // application/wasm type; a server that sends another type still works, via the bytes.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Shared memory only crosses threads in a cross-origin isolated page: without
 * it a shared Memory can be created but not posted to a worker, which fails
 * later and far from the cause. Node has no such notion (the global is absent).
 */
function checkIsolation(): void {
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    throw new Error(
      'options.shared needs a cross-origin isolated page (crossOriginIsolated is false): serve the page with the headers ' +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" ' +
        '(or pass shared: false for a memory that stays in this thread)',
    );
  }
}

/**
 * Creates an engine: a memory (new or given) and the chosen core over it.
 *
 * @example
 * ```ts
 * // A shared memory that a worker can attach to later:
 * const engine = await createEngine('wasm', { shared: true });
 * // The JS twin over the same memory, in this thread or in a worker:
 * const twin = await createEngine('js', { memory: engine.memory });
 * ```
 */
export async function createEngine(kind: EngineKind, options: EngineOptions = {}): Promise<Engine> {
  if (kind !== 'wasm' && kind !== 'js') {
    throw new TypeError(`kind must be 'wasm' or 'js', got ${String(kind)}`);
  }
  const memory = options.memory ?? newMemory(options);
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new TypeError('options.memory must be a WebAssembly.Memory');
  }
  if (kind === 'js') return new Engine('js', memory, jsCore(viewsOf(memory)), undefined);
  const module = await loadModule(options.module, isShared(memory));
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return new Engine('wasm', memory, instance.exports as unknown as Core, module);
}

function newMemory(options: EngineOptions): WebAssembly.Memory {
  const shared = options.shared ?? false;
  const initial = options.initialPages ?? 1;
  const maximum = options.maximumPages ?? 65536;
  if (typeof shared !== 'boolean') throw new TypeError('options.shared must be a boolean');
  if (shared) checkIsolation();
  checkInt('options.initialPages', initial, 1, 65536);
  checkInt('options.maximumPages', maximum, initial, 65536);
  return shared
    ? new WebAssembly.Memory({ initial, maximum, shared: true })
    : new WebAssembly.Memory({ initial, maximum });
}

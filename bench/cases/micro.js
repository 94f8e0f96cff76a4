// The per-call costs behind the bindings' workarounds, each variant in its
// own process like every case, so that they can be re-measured on every
// runtime (bench/workarounds.js runs them; not part of `npm run bench`, so
// this family is not listed in index.js). One operation is one call or
// access of the kind the id names; bench/README.md ("Workarounds across
// runtimes") says which code each guards.
import * as layout from './micro.layout.js';
import { CLAIM_OFF, HEAD_OFF, TAIL_OFF } from './micro.layout.js';

/** The intrinsic getter `name` of %TypedArray%.prototype, as bindings/typed.ts reads it. */
const getter = (name) =>
  /** @type {(this: unknown) => any} */ (
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), name)?.get
  );
const bufferGetter = getter('buffer');
const offsetGetter = getter('byteOffset');

/** (func (param i32) (result i32) local.get 0), exported as "f": the cheapest wasm call there is. */
const IDENTITY_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01,
  0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b,
]);

const sharedMemory = () => new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
const plainMemory = () => new WebAssembly.Memory({ initial: 2, maximum: 2 });

/** A few typed arrays, half of them in the memory: the caller passes the same ones again and again. */
function arrays(memory) {
  return [
    new Uint8Array(memory.buffer, 1024, 16),
    new Uint8Array(16),
    new Uint8Array(memory.buffer, 4096, 16),
    new Uint8Array(16),
  ];
}

/** put+get-like bookkeeping on a control block, with the offsets named through `how`. */
const offsetsStep = {
  // Named imports, used as they are.
  imported: (u32) => (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const b = (i & 7) << 7;
      u32[(b + HEAD_OFF) >> 2] = (u32[(b + TAIL_OFF) >> 2] + 1) >>> 0;
      s = (s + u32[(b + CLAIM_OFF) >> 2]) | 0;
    }
    return s;
  },
  // The namespace object's properties.
  namespace: (u32) => (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const b = (i & 7) << 7;
      u32[(b + layout.HEAD_OFF) >> 2] = (u32[(b + layout.TAIL_OFF) >> 2] + 1) >>> 0;
      s = (s + u32[(b + layout.CLAIM_OFF) >> 2]) | 0;
    }
    return s;
  },
  // Re-bound as module-level consts (what bindings/js/* do).
  rebound: (u32) => (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const b = (i & 7) << 7;
      u32[(b + R_HEAD) >> 2] = (u32[(b + R_TAIL) >> 2] + 1) >>> 0;
      s = (s + u32[(b + R_CLAIM) >> 2]) | 0;
    }
    return s;
  },
};
const { HEAD_OFF: R_HEAD, TAIL_OFF: R_TAIL, CLAIM_OFF: R_CLAIM } = layout;

/** `fn` over chunk-sized copies of `size` bytes into a 64 KiB area of `memory` (shared or not). */
function setStep(size, shared) {
  return () => {
    const memory = shared ? sharedMemory() : plainMemory();
    const dst = new Uint8Array(memory.buffer, 0, 65536);
    const src = new Uint8Array(size).fill(7);
    return (n) => {
      let at = 0;
      for (let i = 0; i < n; i++) {
        dst.set(src, at);
        at = (at + size) & 0xffff & ~(size - 1);
      }
      return dst[at];
    };
  };
}

export default [
  {
    id: 'micro.offsets',
    size: 0,
    bytesPerOp: 0,
    title: 'three control-block accesses at offsets imported from another module (the JS twin re-binds them)',
    impls: Object.fromEntries(
      Object.entries(offsetsStep).map(([k, make]) => [k, async () => make(new Uint32Array(plainMemory().buffer))]),
    ),
  },
  {
    id: 'micro.placement',
    size: 16,
    bytesPerOp: 0,
    title: 'is this array in the memory? (bindings/placement.ts caches the answer for the last array)',
    impls: {
      // Every call: the intrinsic .buffer and .byteOffset getters (typed.ts).
      getters: async () => {
        const memory = plainMemory();
        const as = arrays(memory);
        const mem = new Uint8Array(memory.buffer);
        return (n) => {
          let s = 0;
          for (let i = 0; i < n; i++) {
            const a = as[(i >> 4) & 3];
            if (bufferGetter.call(a) === bufferGetter.call(mem)) s += offsetGetter.call(a);
          }
          return s;
        };
      },
      // The cache: an identity test, the getters only when the array changes (every 16 calls here).
      cached: async () => {
        const memory = plainMemory();
        const as = arrays(memory);
        const mem = new Uint8Array(memory.buffer);
        let last = null;
        let address = -1;
        return (n) => {
          let s = 0;
          for (let i = 0; i < n; i++) {
            const a = as[(i >> 4) & 3];
            if (a !== last) {
              last = a;
              address = bufferGetter.call(a) === bufferGetter.call(mem) ? offsetGetter.call(a) : -1;
            }
            if (address >= 0) s += address;
          }
          return s;
        };
      },
    },
  },
  {
    id: 'micro.attached',
    size: 0,
    bytesPerOp: 0,
    title: 'one u32 load and store behind the check that the views are attached (bindings/views.ts)',
    impls: Object.fromEntries(
      /** @type {const} */ (['none', 'length', 'buffer']).map((how) => [
        how,
        async () => {
          const memory = plainMemory();
          const u32 = new Uint32Array(memory.buffer);
          return (n) => {
            let s = 0;
            for (let i = 0; i < n; i++) {
              if (how === 'length' && u32.length === 0) return -1;
              if (how === 'buffer' && u32.buffer !== memory.buffer) return -1;
              const k = (i & 63) + 16;
              u32[k] = (u32[k] + 1) >>> 0;
              s = (s + u32[k]) | 0;
            }
            return s;
          };
        },
      ]),
    ),
  },
  {
    id: 'micro.call',
    size: 0,
    bytesPerOp: 0,
    title: 'one call of an identity function: into wasm, or a JavaScript one (which the JIT may inline)',
    impls: {
      wasm: async () => {
        const { instance } = await WebAssembly.instantiate(IDENTITY_WASM);
        const f = /** @type {(x: number) => number} */ (instance.exports.f);
        return (n) => {
          let s = 0;
          for (let i = 0; i < n; i++) s = (s + f(i)) | 0;
          return s;
        };
      },
      js: async () => {
        const f = (x) => x | 0;
        return (n) => {
          let s = 0;
          for (let i = 0; i < n; i++) s = (s + f(i)) | 0;
          return s;
        };
      },
    },
  },
  {
    id: 'micro.store',
    size: 0,
    bytesPerOp: 0,
    title: 'publish a counter in shared memory: Atomics.store, or a plain store (no ordering: the floor)',
    impls: {
      atomics: async () => {
        const i32 = new Int32Array(sharedMemory().buffer);
        return (n) => {
          for (let i = 0; i < n; i++) Atomics.store(i32, (i & 7) << 4, i);
          return i32[16];
        };
      },
      plain: async () => {
        const i32 = new Int32Array(sharedMemory().buffer);
        return (n) => {
          for (let i = 0; i < n; i++) i32[(i & 7) << 4] = i;
          return i32[16];
        };
      },
    },
  },
  {
    id: 'micro.set.16',
    size: 16,
    bytesPerOp: 16,
    title: 'TypedArray.prototype.set of 16 bytes into a memory, shared or not',
    impls: { shared: setStep(16, true), unshared: setStep(16, false) },
  },
  {
    id: 'micro.set.4096',
    size: 4096,
    bytesPerOp: 4096,
    title: 'TypedArray.prototype.set of 4 KiB into a memory, shared or not',
    impls: { shared: setStep(4096, true), unshared: setStep(4096, false) },
  },
];

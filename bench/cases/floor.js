// Reference points, not rings: what the cheapest piece of any operation costs
// in this runtime, so that a figure of ours can be read as "n calls and m
// atomic stores" (bench/README.md, "What a small operation costs").
//
// - floor.call: one call from JavaScript into WebAssembly, of an export that
//   returns its first of two i32 arguments: the floor of any wasm operation
//   (a claim cycle makes four such calls, an item put + get two).
// - floor.store: one 32-bit store into a Uint32Array, as a ring publishes its
//   tail: Atomics.store on a shared and on an unshared buffer, and a plain
//   store (what the JS twin does on an unshared memory).
//
// Memory: the store case names its buffers itself; WRB_BENCH_MEMORY does not apply.

/**
 * A module with one export, `id(a: i32, b: i32): i32`, returning `a`:
 * written out byte by byte, so the case needs no build step and no file.
 */
const ID_MODULE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x07,
  0x01,
  0x60,
  0x02,
  0x7f,
  0x7f,
  0x01,
  0x7f, // type section: (i32, i32) -> i32
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x07,
  0x06,
  0x01,
  0x02,
  0x69,
  0x64,
  0x00,
  0x00, // export section: "id" = function 0
  0x0a,
  0x06,
  0x01,
  0x04,
  0x00,
  0x20,
  0x00,
  0x0b, // code section: local.get 0, end
]);

function wasmCall() {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(ID_MODULE));
  const id = /** @type {(a: number, b: number) => number} */ (exports.id);
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum = (sum + id(i, sum)) | 0;
    return sum;
  };
}

/** One store per operation into one of 16 words (a line), as a tail store. */
function store(kind) {
  const bytes = 64;
  const u32 = new Uint32Array(kind === 'atomics-shared' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const step =
    kind === 'plain'
      ? (n) => {
          for (let i = 0; i < n; i++) u32[i & 15] = i;
          return u32[0] + u32[15];
        }
      : (n) => {
          for (let i = 0; i < n; i++) Atomics.store(u32, i & 15, i);
          return u32[0] + u32[15];
        };
  return step;
}

export default [
  {
    id: 'floor.call',
    size: 0,
    bytesPerOp: 0,
    title: 'one JS-to-wasm call of an export returning its first of two i32 arguments (the floor of a wasm operation)',
    impls: {
      'wasm-call': async () => wasmCall(),
    },
  },
  {
    id: 'floor.store',
    size: 4,
    bytesPerOp: 4,
    title: 'one 32-bit store into a Uint32Array: Atomics.store on a shared and an unshared buffer, and a plain store',
    impls: {
      'atomics-shared': async () => store('atomics-shared'),
      'atomics-unshared': async () => store('atomics-unshared'),
      plain: async () => store('plain'),
    },
  },
];

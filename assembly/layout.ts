// The memory layout of every wasm-ringbuf structure, in one place.
//
// This file is compiled twice: by asc into the WebAssembly core and by tsc
// into the TypeScript bindings and the JS twin. It therefore holds only
// untyped integer constants, which AssemblyScript inlines (no globals, no
// static data) and TypeScript treats as plain numbers.
//
// All addresses are byte addresses in one WebAssembly.Memory. Every field is
// a little-endian 32-bit word at a 4-byte aligned address.
//
// ── The memory as a whole ─────────────────────────────────────────────────
//
//   0        64                                                  heap top
//   +--------+--------------+---------+--------------+---------+--- … ---+
//   | HEAP   | control block| storage | control block| storage |  free   |
//   | header | (buffer A)   | (A)     | (buffer B)   | (B)     |         |
//   +--------+--------------+---------+--------------+---------+--- … ---+
//
//   Address 0 is never handed out, so 0 can mean "none". Blocks are 64-byte
//   aligned so that no two structures share a cache line. The heap only
//   grows (buffers never move, so views and addresses stay valid forever).
//
//   HEAP header (bytes 0..63):
//     +0  HEAP_MAGIC   "wrb1" once the heap is initialised
//     +4  HEAP_TOP     first free byte; bumped with a CAS by any thread
//
// ── RingBuf / ItemRingBuf control block (RB_CB_BYTES = 192) ───────────────
//
//   Zephyr's struct ring_buf, split so that each side writes only its own
//   64-byte line: a producer and a consumer in two threads never write to
//   the same cache line, and a line is read by the other side only when
//   its cached copy of the other side's tail says there is not enough.
//
//   line 0  (read-only after init)
//     +0   RB_KIND       RB_KIND_BYTES or RB_KIND_ITEMS
//     +4   RB_SIZE       capacity in bytes (items: 4 * words)
//     +8   RB_STORAGE    absolute address of the storage
//   line 1  producer side: Zephyr's `put` index, at RB_PUT
//     +64  head          end of the space claimed by the producer
//     +68  tail          end of committed data          (published, atomic)
//     +72  base          counter value that maps to storage[0]
//     +76  limit         cached get.tail + size: the producer's copy of the
//                        consumer's frontier (refreshed when short)
//     +80  claim         storage offset of the last put claim (an output)
//   line 2  consumer side: Zephyr's `get` index, at RB_GET
//     +128 head          end of the data claimed by the consumer
//     +132 tail          end of freed data                (published, atomic)
//     +136 base          counter value that maps to storage[0]
//     +140 limit         cached put.tail: the consumer's copy of the
//                        producer's frontier (refreshed when short)
//     +144 claim         storage offset of the last get claim (an output)
//
//   The six Zephyr counters (head, tail, base per side) are free-running
//   u32 values; every difference is taken modulo 2^32. `limit` makes
//   `available = limit - head` the same formula on both sides:
//     producer: available = (get.tail + size) - put.head   (Zephyr's space)
//     consumer: available =  put.tail         - get.head   (Zephyr's size)

export const HEAP_MAGIC = 0;
export const HEAP_TOP = 4;
export const HEAP_HEADER_BYTES = 64;
export const HEAP_MAGIC_VALUE = 0x31627277; // "wrb1" little-endian
export const LINE = 64;

export const RB_KIND = 0;
export const RB_SIZE = 4;
export const RB_STORAGE = 8;
export const RB_PUT = 64;
export const RB_GET = 128;
export const RB_CB_BYTES = 192;

// Offsets inside one side's line (RB_PUT or RB_GET).
export const IDX_HEAD = 0;
export const IDX_TAIL = 4;
export const IDX_BASE = 8;
export const IDX_LIMIT = 12;
export const IDX_CLAIM = 16;

export const RB_KIND_BYTES = 0x52420001;
export const RB_KIND_ITEMS = 0x52420002;

/** Largest capacity in bytes: half the 32-bit counter range, as in Zephyr. */
export const RB_MAX_SIZE = 0x7fffffff;

// Zephyr's error numbers, as the glibc build prints them.
export const EINVAL = 22;
export const EAGAIN = 11;
export const EMSGSIZE = 90;
export const ENOTSUP = 95;

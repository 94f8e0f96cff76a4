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
//     +0  HEAP_MAGIC   "wrb3" once the heap is initialised (the digit is the
//                      layout version: a memory laid out by another version
//                      is refused rather than misread; 3 added the lifecycle
//                      words: state, abort code, wake-up words)
//     +4  HEAP_TOP     first free byte; bumped with a CAS by any thread
//
// ── RingBuf / ItemRingBuf control block (RB_CB_BYTES = 320) ───────────────
//
//   Zephyr's struct ring_buf, split so that each side writes only its own
//   64-byte lines: a producer and a consumer in two threads never write to
//   the same cache line. Each side's published tail has a line of its own,
//   apart from the side's private fields: the other side reads the tail
//   (and spins on it while it waits), so private stores on that line would
//   pull it back and forth on every claim. The other side reads a tail line
//   only when its cached copy of that tail says there is not enough.
//
//   line 0  (read-only after init, except by a thread about to sleep, its
//           waker, and close/abort: the lifecycle, once each)
//     +0   RB_KIND       RB_KIND_BYTES or RB_KIND_ITEMS
//     +4   RB_SIZE       capacity in bytes (items: 4 * words)
//     +8   RB_STORAGE    absolute address of the storage
//     +12  RB_DATA_WAITERS   consumers asleep on RB_DATA_WAKE (waiting for data)
//     +16  RB_SPACE_WAITERS  producers asleep on RB_SPACE_WAKE (waiting for space)
//     +20  RB_STATE      ST_OPEN, ST_CLOSED (the producer closed) or
//                        ST_ABORTED (either side aborted)        (atomic)
//     +24  RB_ABORT_CODE the abort's code (1..2^31-1), 0 if none (atomic)
//     +28  (reserved: the producer's owner word, issue 17)
//     +32  (reserved: the consumer's owner word, issue 17)
//     +36  RB_DATA_WAKE  wake-ups of data sleepers, mod 2^32      (atomic)
//     +40  RB_SPACE_WAKE wake-ups of space sleepers, mod 2^32     (atomic)
//   line 1  producer, private: Zephyr's `put` index, at RB_PUT
//     +64  head          end of the space claimed by the producer
//     +72  base          counter value that maps to storage[0]
//     +76  limit         cached get.tail + size: the producer's copy of the
//                        consumer's frontier (refreshed when short)
//     +80  claim         storage offset of the last put claim (an output)
//   line 2  producer, published
//     +128 tail          end of committed data               (atomic)
//   line 3  consumer, private: Zephyr's `get` index, at RB_GET
//     +192 head          end of the data claimed by the consumer
//     +200 base          counter value that maps to storage[0]
//     +204 limit         cached put.tail: the consumer's copy of the
//                        producer's frontier (refreshed when short)
//     +208 claim         storage offset of the last get claim (an output)
//   line 4  consumer, published
//     +256 tail          end of freed data                   (atomic)
//
//   A side is addressed by its private line; its tail is IDX_TAIL (one
//   line) beyond, so one claim/finish primitive serves both sides.
//
//   +------+--------------+-----------+--------------+-----------+
//   | cfg  | put: head,   | put.tail  | get: head,   | get.tail  |
//   |      | base, limit, |           | base, limit, |           |
//   |      | claim        |           | claim        |           |
//   +------+--------------+-----------+--------------+-----------+
//   0      64             128         192            256       320
//           written by the producer    written by the consumer

//   The six Zephyr counters (head, tail, base per side) are free-running
//   u32 values; every difference is taken modulo 2^32. `limit` makes
//   `available = limit - head` the same formula on both sides:
//     producer: available = (get.tail + size) - put.head   (Zephyr's space)
//     consumer: available =  put.tail         - get.head   (Zephyr's size)
//
//   Waiting (bindings/lifecycle.ts): a sleeper waits on a wake word of
//   line 0, not on the tail it needs, because close and abort must be able
//   to wake it and they must not touch a tail. A sleeper reads the wake
//   word, adds itself to the waiter count, then looks at the other side's
//   tail and at RB_STATE, and sleeps (Atomics.wait on the wake word, while
//   it still holds the value it read) only if neither lets it go. Every
//   finish stores its tail, then reads the waiter count and, only if it is
//   non-zero, adds 1 to the wake word and notifies it; close and abort store
//   RB_STATE, then add 1 to both wake words and notify them. The counts and
//   wake words live on line 0 because that line is read on every operation
//   anyway and written only around a sleep: while nobody sleeps it stays
//   clean in both caches, so the finish's check costs one cached load.
//   No lost wake-up: every access here is sequentially consistent. If the
//   finish reads the count before the increment, its tail store came before
//   the sleeper's look at the tail, which sees the data. Otherwise the
//   finish adds to the wake word: before the sleeper read it (then the tail
//   store came before too, and the look sees the data) or after (then the
//   wait finds a changed word and returns at once, or is asleep already
//   and the notify that follows the add wakes it). The same argument with
//   RB_STATE in place of the tail covers close and abort: a sleeper that
//   saw the state open read the wake word before the state was stored, so
//   before close/abort added to it.
//
//   Close and end-of-stream: the producer publishes its tail (seq-cst
//   store) before it stores ST_CLOSED (seq-cst). A consumer that finds
//   nothing readable reads RB_STATE and, if it is ST_CLOSED, reads the tail
//   again before it concludes end-of-stream; that read comes after the
//   store of ST_CLOSED, hence after the last tail store, so no byte
//   committed before the close can be missed.

export const HEAP_MAGIC = 0;
export const HEAP_TOP = 4;
export const HEAP_HEADER_BYTES = 64;
export const HEAP_MAGIC_VALUE = 0x33627277; // "wrb3" little-endian
export const LINE = 64;

export const RB_KIND = 0;
export const RB_SIZE = 4;
export const RB_STORAGE = 8;
export const RB_DATA_WAITERS = 12;
export const RB_SPACE_WAITERS = 16;
export const RB_STATE_OFF = 20;
export const RB_ABORT_CODE_OFF = 24;
export const RB_DATA_WAKE_OFF = 36;
export const RB_SPACE_WAKE_OFF = 40;
export const RB_PUT = 64;
export const RB_GET = 192;
export const RB_CB_BYTES = 320;

// Offsets from a side's private line (RB_PUT or RB_GET); the tail is on the next line.
export const IDX_HEAD = 0;
export const IDX_TAIL = 64;
export const IDX_BASE = 8;
export const IDX_LIMIT = 12;
export const IDX_CLAIM = 16;

export const RB_KIND_BYTES = 0x52420001;
export const RB_KIND_ITEMS = 0x52420002;

/** Largest capacity in bytes: half the 32-bit counter range, as in Zephyr. */
export const RB_MAX_SIZE = 0x7fffffff;

// Values of RB_STATE_OFF and MP_STATE_OFF: the buffer's lifecycle.
export const ST_OPEN = 0;
export const ST_CLOSED = 1;
export const ST_ABORTED = 2;

// Zephyr's error numbers, as the glibc build prints them.
export const EINVAL = 22;
export const EAGAIN = 11;
export const EMSGSIZE = 90;
export const ENOTSUP = 95;

// ── MpscPbuf control block (MP_CB_BYTES = 192) ────────────────────────────
//
//   Zephyr's struct mpsc_pbuf_buffer. All sizes and indices are in 32-bit
//   words; every index is in [0, size).
//
//   +---------+---------------------------+------------------------+
//   | control | storage: size words       | length table: size     |
//   | block   | (packets, never split at  | words, only with a     |
//   | 192 B   |  the end: a skip pads it) | custom getWlen         |
//   +---------+---------------------------+------------------------+
//
//   The storage in ring order, from the oldest word in use:
//
//     rd         tmp_rd                       tmp_wr               rd
//     |claimed   |committed or allocated      |free words          |
//     |(or skip) |(consumer stops at the first|(FULL flag: none,   |
//     |          | uncommitted header)        | tmp_wr == rd)      |
//
//   wr is not a position but a count of committed words (plus skips), kept
//   modulo size: commits may come in any order.
//
//   line 0  (read-only after init, except by a consumer about to sleep)
//     +0   MP_KIND       MP_KIND_VALUE
//     +4   MP_SIZE       capacity in words
//     +8   MP_STORAGE    absolute byte address of the storage (size words)
//     +12  MP_LEN_MASK   packet length = (header >>> 2) & mask; 0 = custom
//                        lengths, kept in the length table below
//     +16  MP_LENS       absolute byte address of the length table (custom
//                        lengths only: one word per storage word, written at
//                        commit; 0 otherwise)
//     +20  MP_LOCKING    1 on a shared memory: critical sections take MP_LOCK.
//                        0 on an unshared memory, which no other thread can
//                        reach (its sharedness is fixed at creation), so the
//                        lock would only cost two locked instructions a call
//     +24  MP_CONS_WAITERS  consumers asleep on MP_COMMITS (waitForPacket); on
//                        line 0 for the reason given for RB_DATA_WAITERS
//     +28  MP_STATE      ST_OPEN, ST_CLOSED (closed by any handle: the whole
//                        buffer) or ST_ABORTED                    (atomic)
//     +32  MP_ABORT_CODE the abort's code, 0 if none              (atomic)
//     +36  (reserved: issue 17)
//   line 1  the locked state: everything Zephyr's spinlock protects
//     +64  MP_LOCK       0 free, 1 held (CAS acquire, atomic store release)
//     +68  MP_TMP_WR     allocation frontier
//     +72  MP_WR         commit frontier (a count: commits come out of order)
//     +76  MP_TMP_RD     claim frontier
//     +80  MP_RD         free frontier: the oldest word still in use
//     +84  MP_FLAGS      Zephyr's flags: POW2, OVERWRITE, MAX_UTILIZATION, FULL
//     +88  MP_MAX_USAGE  peak usage in words (with MP_FLAG_MAXUTIL)
//     +92  MP_CLAIMED    word offset + 1 of the outstanding claim, 0 if none
//     +96  MP_DROPPED    user packets dropped to make room (overwrite mode)
//     +100 MP_LOST       put_word/put_word_ext/put_data that found no room
//     +104 MP_COMMITS    packets published (commit, put_*), mod 2^32: what a
//                        waiting consumer sleeps on (atomic add; close/abort add too)
//   line 2  wake-ups of allocators (Zephyr's k_sem, as a counter)
//     +128 MP_SEM        frees done, mod 2^32 (atomic add; close/abort add too); an
//                        allocator reads it before it tries, and sleeps while
//                        it has not changed
//     +132 MP_WAITERS    allocators asleep on MP_SEM; free notifies only if > 0
//
//   Why counters and not Zephyr's binary semaphore: with several producers a
//   token can be taken by one that did not need it (woken earlier, or by a
//   free it had already seen) while another one sleeps past the free meant
//   for it. A counter read before the attempt cannot be consumed: a waiter
//   sleeps only while nothing was freed since it looked. No lost wake-up:
//   the counter add and the waiter-count load (free, commit) and the
//   waiter-count increment and the wait's compare (the sleeper) are all
//   sequentially consistent; if the waker reads the count before the
//   increment, its add came before the compare, which then returns at
//   once; otherwise it notifies, after its add. Every
//   free (commit) wakes every sleeping allocator (consumer): each one then
//   retries with its own size, and those that still do not fit sleep again.
//
//   Close, abort and end-of-stream: every allocation (mp_alloc, put_word,
//   put_word_ext, put_data) reads MP_STATE inside its critical section and
//   fails with MP_R_CLOSED unless it is ST_OPEN, so every allocation either
//   happened before the close's store, or sees it. A consumer that finds
//   nothing to claim reads MP_STATE and, if closed, counts the unclaimed
//   words (mp_unclaimed, under the lock): its lock comes after the store it
//   saw, hence after every critical section that saw the state open, so it
//   counts every packet allocated before the close, committed or not
//   (commits of those stay allowed). Close and abort then add 1 to
//   MP_COMMITS and MP_SEM and notify both: those counters exist only to
//   wake sleepers, and every bump is an atomic add (seq-cst), so the
//   lost-wake-up argument above covers them as it covers a commit or a free.
//
//   Why the indices share one line: Zephyr's algorithm keeps all four
//   indices and the flags under one lock, and every operation on either side
//   reads the other side's indices (free space needs rd, claim needs wr, a
//   drop moves rd and tmp_rd, a free may move tmp_rd). The lock word is
//   written by both sides on every operation anyway, so putting the indices
//   beside it costs no extra line transfer; splitting them would add one.
//   The semaphore sits on its own line because blocked producers read it
//   while the consumer keeps working on line 1.
//
//   Per-handle scratch block (MP_SCR_BYTES = 64, one per handle and thread):
//   the state Zephyr's alloc loop keeps in locals between iterations.
//     +0   MP_SCR_PREV   post_drop_action's prev_tmp_wr
//     +4   MP_SCR_SHIFT  post_drop_action's shift; 0 = nothing pending
//     +8   MP_SCR_DROP   word offset of the packet just dropped (an output)
//
//   Packet header (word 0 of every packet): bit 0 valid, bit 1 busy, bits
//   2..31 the user's (a skip packet, valid 0 busy 1, keeps its length there).

export const MP_KIND = 0;
export const MP_SIZE = 4;
export const MP_STORAGE = 8;
export const MP_LEN_MASK = 12;
export const MP_LENS = 16;
export const MP_LOCKING = 20;
export const MP_CONS_WAITERS = 24;
export const MP_STATE_OFF = 28;
export const MP_ABORT_CODE_OFF = 32;
export const MP_LOCK = 64;
export const MP_TMP_WR = 68;
export const MP_WR = 72;
export const MP_TMP_RD = 76;
export const MP_RD = 80;
export const MP_FLAGS = 84;
export const MP_MAX_USAGE = 88;
export const MP_CLAIMED = 92;
export const MP_DROPPED = 96;
export const MP_LOST = 100;
export const MP_COMMITS = 104;
export const MP_SEM = 128;
export const MP_WAITERS = 132;
export const MP_CB_BYTES = 192;

export const MP_SCR_PREV = 0;
export const MP_SCR_SHIFT = 4;
export const MP_SCR_DROP = 8;
export const MP_SCR_BYTES = 64;

export const MP_KIND_VALUE = 0x4d500001;

// Zephyr's flag bits (mpsc_pbuf.h).
export const MP_FLAG_POW2 = 1;
export const MP_FLAG_OVERWRITE = 2;
export const MP_FLAG_MAXUTIL = 4;
export const MP_FLAG_FULL = 8;

// Header bits (mpsc_packet.h).
export const MP_VALID = 1;
export const MP_BUSY = 2;

/** Largest size in words: lengths live in a 30-bit field, and storage must fit in 4 GiB. */
export const MP_MAX_SIZE = 0x3fffffff;

// mp_alloc modes: what to do when there is no room.
export const MP_MODE_NOWAIT = 0; // drop (overwrite mode) or fail, as K_NO_WAIT
export const MP_MODE_WAIT = 1;   // return MP_WAIT: the caller waits for a free
export const MP_MODE_PUT = 2;    // as NOWAIT, and a failure counts in MP_LOST

// Results of the step functions (non-negative results are word offsets or 0).
export const MP_DROPPED_R = -1;  // dropped a packet: notify, then call again
export const MP_WAIT = -2;       // no room; waiting is allowed
export const MP_FAIL = -3;       // no room, nothing (more) can be dropped
export const MP_NONE = -1;       // claim: nothing to claim
export const MP_ERR_CLAIMED = -4; // claim: a claim is outstanding
export const MP_ERR_BAD = -5;    // commit/free: not an allocated / the claimed packet
export const MP_R_CLOSED = -6;   // alloc/put_*: the buffer is closed or aborted (MP_STATE_OFF)

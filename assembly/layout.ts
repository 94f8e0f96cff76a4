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
//   0        64       128                                          heap top
//   +--------+--------+--------------+---------+--------+------+--- … ---+
//   | HEAP   | block  | control block| storage | block  | free |  never  |
//   | header | header | (buffer A)   | (A)     | header | block|  placed |
//   +--------+--------+--------------+---------+--------+------+--- … ---+
//            |<---------- block A: BLK_LINES_OFF lines --->|
//
//   Address 0 is never handed out, so 0 can mean "none". Every block starts
//   with a header on its own 64-byte line, and its payload (what the
//   bindings use: a control block and its storage, or a scratch area)
//   starts on the next line, so that no two structures share a cache line.
//   The blocks tile [64, top) with no gap: from the first one at
//   HEAP_HEADER_BYTES, each header's length leads to the next, which is how
//   attach proves an address is a block the heap placed (bytes written into
//   a storage are not on that chain). A freed block stays on the chain,
//   marked BLK_KIND_FREE, merged with free neighbours, and is reused first
//   fit; a free block that ends at the top is given back to the top.
//   Buffers never move while placed, so views and addresses stay valid
//   until the buffer is freed.
//
//   HEAP header (bytes 0..63), every word atomic:
//     +0  HEAP_MAGIC_OFF   "wrb5" once the heap is initialised (the digit is the
//                      layout version: a memory laid out by another version
//                      is refused rather than misread; 3 added the lifecycle
//                      words, 4 the block headers, the free list and its
//                      lock, and the MpscPbuf lock's waiter count, 5 the
//                      MpscPbuf consumer's own line and 2-size indices). HEAP_MAGIC_INIT while one thread lays it out.
//     +4  HEAP_TOP_OFF     end of the last block, in 64-byte lines: 2^32 bytes
//                      is 2^26 lines, so a block that ends at 4 GiB does not
//                      wrap the top to 0 (issue 17)
//     +8  HEAP_LOCK_OFF    0 free, 1 held: every change to the chain (place,
//                      attach, free) and every walk of it holds this lock
//     +12 HEAP_WAITERS_OFF threads asleep on HEAP_LOCK_OFF: unlock notifies only if > 0
//     +16 HEAP_GEN_OFF     generations handed out, mod 2^32: each placement
//                      and each free takes the next one, so a generation
//                      names one life of one block
//     +60 HEAP_OWNER_SEQ_OFF  the last owner token handed out (bindings/owner.ts):
//                      an atomic add by any thread, once per handle, so
//                      that no two handles of the memory share a token
//
//   Block header (the line before each payload; under the heap lock):
//     +0  BLK_KIND_OFF     what the payload is: RB_KIND_BYTES, RB_KIND_ITEMS,
//                      MP_KIND_VALUE, BLK_KIND_SCRATCH (the bindings' side
//                      areas) or BLK_KIND_FREE
//     +4  BLK_LINES_OFF    the block's length in lines, its header included
//     +8  BLK_GEN_OFF      the generation of this life of the block (descriptors
//                      carry it: a stale one no longer matches)
//     +12 BLK_ATTACH_OFF   handles alive on the block, in every thread; the
//                      last one to let go frees it
//
// ── RingBuf / ItemRingBuf control block (RB_CB_BYTES = 320) ───────────────
//
//   Zephyr's struct ring_buf, split so that each side writes only its own
//   64-byte lines, and its published tail sits apart from its private
//   fields, which the other side never reads (docs/design.md §2.4).
//
//   line 0  (read-only after init, except around a sleep, by close and
//           abort, once each, and by a handle taking or releasing a side)
//     +0   RB_KIND_OFF       RB_KIND_BYTES or RB_KIND_ITEMS
//     +4   RB_SIZE_OFF       capacity in bytes (items: 4 * words)
//     +8   RB_STORAGE_OFF    absolute address of the storage
//     +12  RB_DATA_WAITERS_OFF   consumers asleep on RB_DATA_WAKE_OFF (waiting for data)
//     +16  RB_SPACE_WAITERS_OFF  producers asleep on RB_SPACE_WAKE_OFF (waiting for space)
//     +20  RB_STATE_OFF      ST_OPEN, ST_CLOSED (the producer closed) or
//                            ST_ABORTED (either side aborted)         (atomic)
//     +24  RB_ABORT_CODE_OFF the abort's code, 1..2^31-1; 0 if none   (atomic)
//     +28  RB_PRODUCER_OWNER_OFF  token of the handle that owns the producer
//                            side, 0 if none                        (atomic)
//     +32  RB_CONSUMER_OWNER_OFF  the same for the consumer side      (atomic)
//     +36  RB_DATA_WAKE_OFF  wake-ups of data sleepers, mod 2^32      (atomic)
//     +40  RB_SPACE_WAKE_OFF wake-ups of space sleepers, mod 2^32     (atomic)
//   line 1  producer, private: Zephyr's `put` index, at RB_PUT_OFF
//     +64  head          end of the space claimed by the producer
//     +72  base          counter value that maps to storage[0]
//     +76  limit         cached get.tail + size: the producer's copy of the
//                        consumer's frontier (refreshed when short)
//     +80  claim         storage offset of the last put claim (an output)
//   line 2  producer, published
//     +128 tail          end of committed data               (atomic)
//   line 3  consumer, private: Zephyr's `get` index, at RB_GET_OFF
//     +192 head          end of the data claimed by the consumer
//     +200 base          counter value that maps to storage[0]
//     +204 limit         cached put.tail: the consumer's copy of the
//                        producer's frontier (refreshed when short)
//     +208 claim         storage offset of the last get claim (an output)
//   line 4  consumer, published
//     +256 tail          end of freed data                   (atomic)
//
//   A side is addressed by its private line; its tail is IDX_TAIL_OFF (one
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
//   Waiting (bindings/wait.ts): a sleeper reads its side's wake word, adds
//   itself to the waiter count, looks at the other side's tail and at the
//   state, and waits on the wake word; every finish stores its tail, then,
//   only if the count is non-zero, adds 1 to the wake word and notifies it;
//   close and abort store the state, then add 1 to both wake words and
//   notify them. The sleeper waits on a wake word rather than on the tail so
//   that close and abort can wake it without touching a tail. Why no wake-up
//   is lost, and why these words sit on line 0: docs/design.md §3.
//
//   Owner words (bindings/owner.ts): one handle at a time owns each side.
//   Any thread's handle writes one: a compare-exchange 0 -> its token on the
//   side's first operation, a compare-exchange back to 0 when it releases
//   the side (close, releaseSides). Both are seq-cst: a lock hand-off, so the
//   next owner sees everything the previous one wrote before it released,
//   and a handle that takes the producer side after a close sees CLOSED.
//   They sit on line 0 with the other words written once in a while: every
//   operation's hot path reads a handle field instead, never these words.
//
//   Close and end-of-stream (docs/design.md §10): the producer publishes
//   its tail (seq-cst) before it stores ST_CLOSED (seq-cst); a consumer that
//   finds nothing reads the state and, if closed, reads the tail again
//   before it concludes end-of-stream, so it sees every committed byte.

export const HEAP_MAGIC_OFF = 0;
export const HEAP_TOP_OFF = 4;
export const HEAP_LOCK_OFF = 8;
export const HEAP_WAITERS_OFF = 12;
export const HEAP_GEN_OFF = 16;
export const HEAP_OWNER_SEQ_OFF = 60;
export const HEAP_HEADER_BYTES = 64;
export const HEAP_MAGIC_VALUE = 0x35627277; // "wrb5" little-endian
export const HEAP_MAGIC_INIT = 0x21627277; // "wrb!": being laid out
export const LINE_BYTES = 64;

export const BLK_KIND_OFF = 0;
export const BLK_LINES_OFF = 4;
export const BLK_GEN_OFF = 8;
export const BLK_ATTACH_OFF = 12;
export const BLK_HEADER_BYTES = 64;
export const BLK_KIND_FREE = 0x424c0000;
export const BLK_KIND_SCRATCH = 0x424c0001;

export const RB_KIND_OFF = 0;
export const RB_SIZE_OFF = 4;
export const RB_STORAGE_OFF = 8;
export const RB_DATA_WAITERS_OFF = 12;
export const RB_SPACE_WAITERS_OFF = 16;
export const RB_STATE_OFF = 20;
export const RB_ABORT_CODE_OFF = 24;
export const RB_PRODUCER_OWNER_OFF = 28;
export const RB_CONSUMER_OWNER_OFF = 32;
export const RB_DATA_WAKE_OFF = 36;
export const RB_SPACE_WAKE_OFF = 40;
export const RB_PUT_OFF = 64;
export const RB_GET_OFF = 192;
export const RB_CB_BYTES = 320;

// Offsets from a side's private line (RB_PUT_OFF or RB_GET_OFF); the tail is on the next line.
export const IDX_HEAD_OFF = 0;
export const IDX_TAIL_OFF = 64;
export const IDX_BASE_OFF = 8;
export const IDX_LIMIT_OFF = 12;
export const IDX_CLAIM_OFF = 16;

export const RB_KIND_BYTES = 0x52420001;
export const RB_KIND_ITEMS = 0x52420002;

/** Largest capacity in bytes: half the 32-bit counter range, as in Zephyr. */
export const RB_MAX_SIZE_BYTES = 0x7fffffff;

// Values of RB_STATE_OFF and MP_STATE_OFF: the buffer's lifecycle (bindings/lifecycle.ts).
export const ST_OPEN = 0;
export const ST_CLOSED = 1;
export const ST_ABORTED = 2;

// Zephyr's error numbers, as the glibc build prints them.
export const EINVAL = 22;
export const EAGAIN = 11;
export const EMSGSIZE = 90;
export const ENOTSUP = 95;

// ── MpscPbuf control block (MP_CB_BYTES = 256) ────────────────────────────
//
//   Zephyr's struct mpsc_pbuf_buffer. All sizes and offsets are in 32-bit
//   words. wr, tmp_rd and every offset handed out are positions in
//   [0, size), as in Zephyr; rd and tmp_wr are kept modulo 2 * size
//   ("2-size indices", position = index mod size), so that equal positions
//   tell empty (index difference 0) from full (difference size) without
//   Zephyr's FULL flag, which both sides would write (docs/design.md §4.1).
//
//   +---------+---------------------------+------------------------+
//   | control | storage: size words       | packet table: size     |
//   | block   | (packets, never split at  | words, written by the  |
//   | 256 B   |  the end: a skip pads it) | core only (see below)  |
//   +---------+---------------------------+------------------------+
//
//   The storage in ring order, from the oldest word in use:
//
//     rd         tmp_rd                       tmp_wr               rd
//     |claimed   |committed or allocated      |free words          |
//     |(or skip) |(consumer stops at the first|(full: none,         |
//     |          | uncommitted packet)        | tmp_wr - rd = size)|
//
//   wr is not a position but a count of committed words (plus skips), kept
//   modulo size: commits may come in any order.
//
//   Who writes what. Without overwrite, the consumer takes no lock: claim
//   and free write only line 3 (and a producer moves rd past a skip packet
//   with a compare-exchange), and a commit is a compare-exchange of its
//   packet table entry (docs/design.md §4.1). With overwrite, producers
//   drop packets at rd, so every operation but the commit takes the lock.
//
//   line 0  (read-only after init, except by a consumer about to sleep, by
//           close and abort, and by a handle taking or releasing the consumer side)
//     +0   MP_KIND_OFF       MP_KIND_VALUE
//     +4   MP_SIZE_OFF       capacity in words
//     +8   MP_STORAGE_OFF    absolute byte address of the storage (size words)
//     +12  MP_LEN_MASK_OFF   the header's length field is (header >>> 2) & mask,
//                        checked at commit and put; 0 = custom lengths (getWlen)
//     +16  MP_LENS_OFF       absolute byte address of the packet table
//     +20  MP_LOCKING_OFF    1 on a shared memory: critical sections take MP_LOCK_OFF.
//                        0 on an unshared memory, which no other thread can
//                        reach (its sharedness is fixed at creation), so the
//                        lock would only cost two locked instructions a call
//     +24  MP_CONS_WAITERS_OFF  consumers asleep on MP_COMMITS_OFF (waitForPacket); on
//                        line 0 for the reason given for RB_DATA_WAITERS_OFF
//     +28  MP_STATE_OFF      ST_OPEN, ST_CLOSED (by any handle: the whole buffer)
//                        or ST_ABORTED                                (atomic)
//     +32  MP_ABORT_CODE_OFF the abort's code, 0 if none              (atomic)
//     +36  MP_CONSUMER_OWNER_OFF  token of the handle that owns the consumer
//                        side, 0 if none, as RB_CONSUMER_OWNER_OFF     (atomic).
//                        Producers are many by design: no owner word.
//     +40  MP_FLAGS_OFF      Zephyr's flags POW2, OVERWRITE, MAX_UTILIZATION
//                        (FULL is tmp_wr - rd = size)
//     +44  MP_CONS_LINE_OFF  where the consumer's fields are: 192 (line 3), or
//                        96 (on line 1, beside the lock) with overwrite
//   line 1  producers: everything their lock protects
//     +64  MP_LOCK_OFF       0 free, 1 held (CAS acquire, atomic store release);
//                        a host whose lock() gave up (MP_R_BUSY) sleeps on it
//     +68  MP_TMP_WR_OFF     allocation frontier, a 2-size index (atomic store:
//                        the lock-free consumer reads it)
//     +72  MP_WR_OFF         commit count (atomic: commits add outside the lock)
//     +76  MP_RD_SEEN_OFF    the producers' copy of rd (2-size), read again
//                        only when it shows too little room
//     +80  MP_MAX_USAGE_OFF  peak usage in words (with MP_FLAG_MAXUTIL)
//     +84  MP_DROPPED_OFF    user packets dropped to make room (overwrite mode)
//     +88  MP_LOST_OFF       put_word/put_word_ext/put_data that found no room
//     +92  MP_LOCK_WAITERS_OFF  hosts asleep on MP_LOCK_OFF; unlock notifies
//                        only if > 0 (on the lock's line: unlock reads it
//                        right after its store, on a line it holds)
//   line 2  wake-ups (Zephyr's k_sem, and a waiting consumer's, as counters)
//     +128 MP_SEM_OFF        frees that woke allocators, mod 2^32 (atomic add;
//                        close and abort add too)
//     +132 MP_WAITERS_OFF    allocators asleep on MP_SEM_OFF
//     +136 MP_COMMITS_OFF    commits that woke a consumer, mod 2^32 (atomic add;
//                        close and abort add too)
//     +140 MP_SEM_WOKEN_OFF      1 once a free has woken the allocators since the
//     +144 MP_COMMITS_WOKEN_OFF  last sleeper's look, 0 again at its next look:
//                        of all the wakers a sleeper's round meets, only the
//                        first adds and notifies (an exchange, seq-cst)
//   line 3  the consumer's fields, at MP_CONS_LINE_OFF. With overwrite they
//           sit at +96 instead, on line 1: there producers move rd and
//           tmp_rd too, claims and frees take the lock, and a line of their
//           own would only add a line transfer to each critical section.
//     +0   MP_CONS_RD_OFF    free frontier, a 2-size index: the oldest word
//                        still in use (atomic: producers read it, and move
//                        it past a skip packet with a compare-exchange)
//     +4   MP_CONS_TMP_RD_OFF  claim frontier, with overwrite only; without, it
//                        is rd, or rd + the claimed packet's length
//     +8   MP_CONS_CLAIMED_OFF  word offset + 1 of the outstanding claim, 0 if none
//     +12  MP_CONS_TMP_WR_SEEN_OFF  the consumer's copy of tmp_wr (2-size), read
//                        again only when the consumer has caught up with it
//
//   Waking (docs/design.md §3, the ring form): a sleeper reads its counter,
//   adds itself to the waiter count, tries once more, and waits while the
//   counter has not changed; a commit publishes its entry, a free its rd,
//   then each reads the waiter count and, only if it is non-zero and it is
//   the first since the sleeper looked (its WOKEN word), adds 1 to the
//   counter and notifies it. So with nobody asleep a commit or a free
//   writes no shared word beyond its own, and a sleeper costs one notify. A free wakes allocators only once
//   at most half the storage is in use (§4.3).
//
//   Close and abort (docs/design.md §10): every allocation reads MP_STATE_OFF
//   inside its critical section and fails with MP_R_CLOSED unless open, so
//   an allocation either came before the close or sees it; a consumer that
//   saw the close counts what is left under the lock (mp_unclaimed), after
//   every such allocation. Close and abort then add 1 to MP_COMMITS_OFF and
//   MP_SEM_OFF and notify both, waking every sleeper.
//
//   Per-handle scratch block (MP_SCR_BYTES = 64, one per handle and thread):
//   the state Zephyr's alloc loop keeps in locals between iterations.
//     +0   MP_SCR_PREV_OFF   post_drop_action's prev_tmp_wr (a 2-size index)
//     +4   MP_SCR_SHIFT_OFF  post_drop_action's shift; 0 = nothing pending
//     +8   MP_SCR_DROP_OFF   word offset of the packet just dropped (an output)
//
//   Packet header (word 0 of every packet), as Zephyr's MPSC_PBUF_HDR:
//
//    31                                           2    1      0
//   +----------------------------------------------+------+-------+
//   | the user's (default length field: >>> 2)     | busy | valid |
//   +----------------------------------------------+------+-------+
//
//   A skip packet (valid 0, busy 1) keeps its length in words in bits 2..31.
//   The user can write every header word at any time, so the core never
//   decides anything from one (issue 17): a header is checked when a put or
//   a commit hands it over, and from then on the core follows the packet
//   table, one word per storage word, which user code has no view of. The
//   entry at each packet's first word (the core writes it whenever it makes
//   a packet, skip or reservation there; other entries are stale and never read):
//
//    31        30     29                                          0
//   +---------+------+---------------------------------------------+
//   | pending | skip | length in words (1 .. size)                  |
//   +---------+------+---------------------------------------------+
//
//   pending       allocated, not committed: the consumer stops here, and
//                 only a commit of exactly this length is accepted
//   skip          a skip packet: passed over silently
//   pending|skip  a reservation of drop_item_locked (MP_T_RESERVED): the
//                 consumer stops, no commit matches
//   neither       a committed packet, claimed when MP_CONS_CLAIMED_OFF says so
//   The header's valid and busy bits are still written as Zephyr writes
//   them, for the user and the drop callback to read. An entry that makes
//   a packet claimable is written with an atomic store (or compare-exchange)
//   after the packet's words, and read by the consumer with an atomic load.

export const MP_KIND_OFF = 0;
export const MP_SIZE_OFF = 4;
export const MP_STORAGE_OFF = 8;
export const MP_LEN_MASK_OFF = 12;
export const MP_LENS_OFF = 16;
export const MP_LOCKING_OFF = 20;
export const MP_CONS_WAITERS_OFF = 24;
export const MP_STATE_OFF = 28;
export const MP_ABORT_CODE_OFF = 32;
export const MP_CONSUMER_OWNER_OFF = 36;
export const MP_FLAGS_OFF = 40;
export const MP_CONS_LINE_OFF = 44;
export const MP_LOCK_OFF = 64;
export const MP_TMP_WR_OFF = 68;
export const MP_WR_OFF = 72;
export const MP_RD_SEEN_OFF = 76;
export const MP_MAX_USAGE_OFF = 80;
export const MP_DROPPED_OFF = 84;
export const MP_LOST_OFF = 88;
export const MP_LOCK_WAITERS_OFF = 92;
export const MP_SEM_OFF = 128;
export const MP_WAITERS_OFF = 132;
export const MP_COMMITS_OFF = 136;
export const MP_SEM_WOKEN_OFF = 140;
export const MP_COMMITS_WOKEN_OFF = 144;
export const MP_CONS_LINE_BYTES = 192; // MP_CONS_LINE_OFF's value without overwrite
export const MP_CONS_LINE_OVERWRITE_BYTES = 96; // and with overwrite
export const MP_CONS_RD_OFF = 0;
export const MP_CONS_TMP_RD_OFF = 4;
export const MP_CONS_CLAIMED_OFF = 8;
export const MP_CONS_TMP_WR_SEEN_OFF = 12;
export const MP_CB_BYTES = 256;

export const MP_SCR_PREV_OFF = 0;
export const MP_SCR_SHIFT_OFF = 4;
export const MP_SCR_DROP_OFF = 8;
export const MP_SCR_BYTES = 64;

export const MP_KIND_VALUE = 0x4d500001;

// Zephyr's flag bits (mpsc_pbuf.h).
export const MP_FLAG_POW2 = 1;
export const MP_FLAG_OVERWRITE = 2;
export const MP_FLAG_MAXUTIL = 4;
export const MP_FLAG_FULL = 8; // not stored: inspect() reports it when tmp_wr - rd = size

// Header bits (mpsc_packet.h).
export const MP_VALID = 1;
export const MP_BUSY = 2;
export const MP_HDR_USER_SHIFT = 2; // the user's bits (and a skip packet's length) start here

// Packet table entries (see the diagram).
export const MP_T_LEN = 0x3fffffff;
export const MP_T_SKIP = 0x40000000;
export const MP_T_PENDING = 0x80000000;
export const MP_T_RESERVED = 0xc0000000;

/** Largest size in words: lengths live in a 30-bit field, and storage must fit in 4 GiB. */
export const MP_MAX_SIZE_WORDS = 0x3fffffff;

// mp_alloc modes: what to do when there is no room.
export const MP_MODE_NOWAIT = 0; // drop (overwrite mode) or fail, as K_NO_WAIT
export const MP_MODE_WAIT = 1;   // return MP_R_WAIT: the caller waits for a free
export const MP_MODE_PUT = 2;    // as NOWAIT, and a failure counts in MP_LOST_OFF

// Results of the step functions (non-negative results are word offsets or 0).
export const MP_R_DROPPED = -1;  // dropped a packet: notify, then call again
export const MP_R_WAIT = -2;       // no room; waiting is allowed
export const MP_R_FAIL = -3;       // no room, nothing (more) can be dropped
export const MP_R_NONE = -1;       // claim: nothing to claim
export const MP_R_CLAIMED = -4; // claim: a claim is outstanding
export const MP_R_BAD = -5;    // commit/free: not an allocated / the claimed packet
export const MP_R_CLOSED = -6; // alloc/put_*: the buffer is closed or aborted (MP_STATE_OFF)
export const MP_R_BUSY = -7;   // any locking call: the lock stayed held through the spin; nothing changed, call again

// Largest u32, for argument checks in the bindings.
export const U32_MAX = 0xffffffff;

// ── Item header (ItemRingBuf: the word before each item's payload) ────────
//
//   Zephyr's ring_buf item mode stores each item as this header word and
//   0..255 payload words, in ring order (a payload may continue at offset 0).
//
//    31        24 23        16 15                          0
//   +------------+------------+-----------------------------+
//   |   value    |   words    |            type             |
//   +------------+------------+-----------------------------+
//
//   header = type << ITEM_TYPE_SHIFT | words << ITEM_WORDS_SHIFT | value << ITEM_VALUE_SHIFT
//   field  = (header >>> FIELD_SHIFT) & FIELD_MASK

export const ITEM_TYPE_SHIFT = 0;
export const ITEM_TYPE_MASK = 0xffff;
export const ITEM_WORDS_SHIFT = 16;
export const ITEM_WORDS_MASK = 0xff; // also the largest payload, in words
export const ITEM_VALUE_SHIFT = 24;
export const ITEM_VALUE_MASK = 0xff;
export const ITEM_HEADER_BYTES = 4;

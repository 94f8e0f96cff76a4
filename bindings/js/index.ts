// The JavaScript engine: the TypeScript twins of the core files (ringbuf.ts,
// mpsc.ts, items.ts, each a mirror of its assembly/ original), gathered into
// one object with exactly the functions and arities of the WebAssembly
// exports (test/core.exports.test.ts checks both against Core).
//
// These lines are the twin's entry points, so each one first makes sure the
// views are attached (attached() in views.ts): callers never refresh views
// for the twin. The wasm engine needs no such step; its memory is its own.

import type { Core } from '../core.js';
import { attached, type Views } from '../views.js';
import * as items from './items.js';
import * as mpsc from './mpsc.js';
import * as ring from './ringbuf.js';

/** Builds the JS twin of the core over `v` (once per memory and thread). */
export function jsCore(v: Views): Core {
  // An object literal typed as Core: a missing or an extra member fails to compile.
  const core: Core = {
    rb_init: (cb, kind, storage, size) => ring.rb_init(attached(v), cb, kind, storage, size),
    rb_internal_reset: (cb, value) => ring.rb_internal_reset(attached(v), cb, value),
    rb_put_claim: (cb, want) => ring.rb_put_claim(attached(v), cb, want),
    rb_get_claim: (cb, want) => ring.rb_get_claim(attached(v), cb, want),
    rb_put_finish: (cb, n) => ring.rb_put_finish(attached(v), cb, n),
    rb_get_finish: (cb, n) => ring.rb_get_finish(attached(v), cb, n),
    rb_size: (cb) => ring.rb_size(attached(v), cb),
    rb_space: (cb) => ring.rb_space(attached(v), cb),
    rb_put_claimed: (cb) => ring.rb_put_claimed(attached(v), cb),
    rb_get_claimed: (cb) => ring.rb_get_claimed(attached(v), cb),
    rb_put: (cb, src, n) => ring.rb_put(attached(v), cb, src, n),
    rb_write: (cb, src, n) => ring.rb_write(attached(v), cb, src, n),
    rb_put_flush: (cb) => ring.rb_put_flush(attached(v), cb),
    rb_get: (cb, dst, n) => ring.rb_get(attached(v), cb, dst, n),
    rb_peek: (cb, dst, n) => ring.rb_peek(attached(v), cb, dst, n),

    mp_init: (cb, storage, size, flags, lenMask, lens, locking) =>
      mpsc.mp_init(attached(v), cb, storage, size, flags, lenMask, lens, locking),
    mp_alloc: (cb, scr, wlen, mode) => mpsc.mp_alloc(attached(v), cb, scr, wlen, mode),
    mp_post_drop: (cb, scr) => mpsc.mp_post_drop(attached(v), cb, scr),
    mp_commit: (cb, off, wlen) => mpsc.mp_commit(attached(v), cb, off, wlen),
    mp_put_finish: (cb, off, wlen, header) => mpsc.mp_put_finish(attached(v), cb, off, wlen, header),
    mp_put_word: (cb, scr, word) => mpsc.mp_put_word(attached(v), cb, scr, word),
    mp_put_word_ext: (cb, scr, word, ext) => mpsc.mp_put_word_ext(attached(v), cb, scr, word, ext),
    mp_claim: (cb) => mpsc.mp_claim(attached(v), cb),
    mp_free: (cb, off) => mpsc.mp_free(attached(v), cb, off),
    mp_is_pending: (cb) => mpsc.mp_is_pending(attached(v), cb),
    mp_usage: (cb) => mpsc.mp_usage(attached(v), cb),
    mp_max_usage: (cb) => mpsc.mp_max_usage(attached(v), cb),

    item_put: (cb, header, src) => items.item_put(attached(v), cb, header, src),
    item_get: (cb, dst, max, out) => items.item_get(attached(v), cb, dst, max, out),
    item_put_batch: (cb, src, n) => items.item_put_batch(attached(v), cb, src, n),
    item_get_batch: (cb, dst, max, out) => items.item_get_batch(attached(v), cb, dst, max, out),
  };
  return core;
}

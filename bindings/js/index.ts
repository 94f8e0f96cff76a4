// The JavaScript engine: the TypeScript twins of the core files (ringbuf.ts,
// mpsc.ts, items.ts, each a mirror of its assembly/ original), gathered into
// one object with exactly the functions and arities of the WebAssembly
// exports (test/core.exports.test.ts checks both against Core).
//
// Each entry is a twin function bound to the memory's views (bind, not an
// arrow: V8 inlines through a bound function without a call level, which
// keeps the twin as fast as it was, bench/README.md). Each twin entry point
// checks the views itself (attached), so callers never sync for it.

import type { Core } from '../core.js';
import type { Views } from '../views.js';
import * as items from './items.js';
import * as mpsc from './mpsc.js';
import * as ring from './ringbuf.js';

/** Builds the JS twin of the core over `v` (once per memory and thread). */
export function jsCore(v: Views): Core {
  // An object literal typed as Core: a missing or an extra member fails to compile.
  const core: Core = {
    rb_init: ring.rb_init.bind(undefined, v),
    rb_internal_reset: ring.rb_internal_reset.bind(undefined, v),
    rb_put_claim: ring.rb_put_claim.bind(undefined, v),
    rb_get_claim: ring.rb_get_claim.bind(undefined, v),
    rb_put_finish: ring.rb_put_finish.bind(undefined, v),
    rb_get_finish: ring.rb_get_finish.bind(undefined, v),
    rb_size: ring.rb_size.bind(undefined, v),
    rb_space: ring.rb_space.bind(undefined, v),
    rb_put_claimed: ring.rb_put_claimed.bind(undefined, v),
    rb_get_claimed: ring.rb_get_claimed.bind(undefined, v),
    rb_put: ring.rb_put.bind(undefined, v),
    rb_write: ring.rb_write.bind(undefined, v),
    rb_put_flush: ring.rb_put_flush.bind(undefined, v),
    rb_get: ring.rb_get.bind(undefined, v),
    rb_peek: ring.rb_peek.bind(undefined, v),

    mp_init: mpsc.mp_init.bind(undefined, v),
    mp_alloc: mpsc.mp_alloc.bind(undefined, v),
    mp_post_drop: mpsc.mp_post_drop.bind(undefined, v),
    mp_commit: mpsc.mp_commit.bind(undefined, v),
    mp_put_finish: mpsc.mp_put_finish.bind(undefined, v),
    mp_put_word: mpsc.mp_put_word.bind(undefined, v),
    mp_put_word_ext: mpsc.mp_put_word_ext.bind(undefined, v),
    mp_claim: mpsc.mp_claim.bind(undefined, v),
    mp_free: mpsc.mp_free.bind(undefined, v),
    mp_is_pending: mpsc.mp_is_pending.bind(undefined, v),
    mp_usage: mpsc.mp_usage.bind(undefined, v),
    mp_max_usage: mpsc.mp_max_usage.bind(undefined, v),
    mp_unclaimed: mpsc.mp_unclaimed.bind(undefined, v),

    item_put: items.item_put.bind(undefined, v),
    item_get: items.item_get.bind(undefined, v),
    item_put_batch: items.item_put_batch.bind(undefined, v),
    item_get_batch: items.item_get_batch.bind(undefined, v),
  };
  return core;
}

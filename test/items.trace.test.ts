// Replays Zephyr's item-mode trace fixtures on both engines and compares the
// output with what Zephyr's own C code printed for the same script.

import { describe, expect, it } from 'vitest';
import { replay } from '../dist/cli/trace/replay.js';
import { fixture, join, normalise, sections } from './util/trace.js';

describe.each(['wasm', 'js'] as const)('item trace fixtures on the %s engine', (kind) => {
  it('rb_item matches Zephyr', async () => {
    const out = await replay(fixture('rb_item.txt'), kind);
    expect(normalise(out)).toEqual(normalise(fixture('rb_item.out')));
  });

  it('the item sections of edge_cases match Zephyr', async () => {
    const all = sections(fixture('edge_cases.txt'), fixture('edge_cases.out'));
    const item = all.filter((s) => s.title.startsWith('--- rb: item'));
    expect(item.length).toBeGreaterThan(0);
    const { script, expected } = join(item);
    expect(normalise(await replay(script, kind))).toEqual(normalise(expected));
  });

  it('shares the ring queries, draws the default words per request, and rejects what the API rejects', async () => {
    const script = [
      'item_put 1 2 0', // 1: no buffer yet
      'rb_item_init 4',
      'capacity',
      'item_put 1 2 2', // 11110000 11110001
      'space',
      'size',
      'item_put 3 4 9', // 5: does not fit, but draws 9 words
      'item_put 5 6 0',
      'rb_state',
      'item_get 1', // 10: needs 2
      'item_get',
      'item_get_discard',
      'empty',
      'item_put 1 1 256', // 14: deviation: more than 255 words is rejected
      'item_put 0x10000 1 0', // 15: type out of range
      'item_put 1 0x100 0', // 16: value out of range
      'item_put 1 1 1 0x100000000', // 17: a word beyond 32 bits
      'item_put 1 1 1 7 8', // 18: more words than nwords
      'rb_internal_reset 0xfffffff8',
      'item_put 7 7 2', // 1111000b 1111000c (the rejected puts drew none), across 2^32
      'item_get 2',
      'put 1', // 22: byte ops need a byte-mode buffer
      'rb_init 4',
      'item_space', // 24: item ops need an item-mode buffer
    ].join('\n');
    const out = await replay(script, kind);
    expect(normalise(out)).toEqual([
      'error 1 no item-mode ring buffer: rb_item_init first',
      'rb_item_init size=16',
      'capacity 16',
      'item_put 0',
      'space 4',
      'size 12',
      'item_put -90',
      'item_put 0',
      'item_get -90 size32=2',
      'item_get 0 type=1 value=2 size32=2 11110000 11110001',
      'item_get_discard 0 type=5 value=6 size32=0',
      'empty 1',
      'error 14 data must hold at most 255 words (end - start), got 256',
      'error 15 type must be an integer from 0 to 65535, got 65536',
      'error 16 value must be an integer from 0 to 255, got 256',
      'error 17 word 0 must be at most 0xffffffff, got 0x100000000',
      'error 18 unexpected argument 8',
      'rb_internal_reset',
      'item_put 0',
      'item_get 0 type=7 value=7 size32=2 1111000b 1111000c',
      'error 22 no byte-mode ring buffer: rb_init first',
      'rb_init size=4',
      'error 24 no item-mode ring buffer: rb_item_init first',
    ]);
    expect(out).toMatch(/^rb_state put=\d+\/\d+\/\d+ get=\d+\/\d+\/\d+$/m);
  });
});

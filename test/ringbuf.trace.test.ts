// Replays Zephyr's byte-mode trace fixtures on both engines and compares the
// output with what Zephyr's own C code printed for the same script.

import { describe, expect, it } from 'vitest';
import { knownOps, replay } from '../dist/cli/trace/replay.js';
import { fixture, join, normalise, replayable, sections } from './util/trace.js';

describe.each(['wasm', 'js'] as const)('trace fixtures on the %s engine', (kind) => {
  it.each(['rb_basic', 'rb_rollover'])('%s matches Zephyr', async (name) => {
    const out = await replay(fixture(`${name}.txt`), kind);
    expect(normalise(out)).toEqual(normalise(fixture(`${name}.out`)));
    // rb_state is left out of the comparison, but it must still print.
    expect(out).toMatch(/^rb_state put=\d+\/\d+\/\d+ get=\d+\/\d+\/\d+$/m);
  });

  it('the byte sections of edge_cases match Zephyr', async () => {
    const all = sections(fixture('edge_cases.txt'), fixture('edge_cases.out'));
    const bytes = replayable(
      all.filter((s) => s.title.startsWith('--- rb:')),
      knownOps(),
    );
    // The first three sections are byte mode and share one buffer.
    expect(bytes.map((s) => s.title)).toEqual(expect.arrayContaining(all.slice(0, 3).map((s) => s.title)));
    const { script, expected } = join(bytes);
    expect(normalise(await replay(script, kind))).toEqual(normalise(expected));
  });

  it('reports malformed lines, unknown ops and rejected calls, and goes on', async () => {
    const script = [
      'put 1', // 1: no buffer yet
      'rb_init 0', // 2: the API rejects capacity 0
      '# a comment',
      '',
      'rb_init 0x4   # hex, with a comment',
      'put 9 zz', // 6: not a hex blob
      'frobnicate 1', // 7
      'space 1', // 8: too many arguments
      'get_discard 0x100000000', // 9: beyond a u32
      'put 6 abc1', // 10: blob repeated cyclically, 4 fit
      'put_finish 1', // 11: no claim: Zephyr's -EINVAL
      'get 4',
      'rb_mem 3 2', // 13: beyond the storage
      'echo   done  ',
    ].join('\n');
    expect(await replay(script, kind)).toBe(
      [
        'error 1 no byte-mode ring buffer: rb_init first',
        'error 2 capacity must be an integer from 1 to 2147483647, got 0',
        'rb_init size=4',
        'error 6 blob must be hex bytes, got zz',
        'error 7 unknown op frobnicate',
        'error 8 unexpected argument 1',
        'error 9 n must be an integer from 0 to 4294967295, got 4294967296',
        'put 4',
        'put_finish -22',
        'get 4 abc1abc1',
        'error 13 off + n must be at most the capacity 4, got 5',
        'done',
        '',
      ].join('\n'),
    );
  });

  it('draws the default pattern per request, not per byte stored, and restarts it at rb_init', async () => {
    const script = [
      'rb_init 4',
      'put 6', // draws 00..05, stores 00..03
      'get 4',
      'put 2', // 06 07
      'put_claim 9', // 2 granted up to the end: 08 09
      'put_finish 2',
      'get 4',
      'rb_init 3',
      'put 2 -', // '-' is the pattern too, restarted
      'get 2',
    ].join('\n');
    expect(await replay(script, kind)).toBe(
      [
        'rb_init size=4',
        'put 4',
        'get 4 00010203',
        'put 2',
        'put_claim 2 off=2',
        'put_finish 0',
        'get 4 06070809',
        'rb_init size=3',
        'put 2',
        'get 2 0001',
        '',
      ].join('\n'),
    );
  });
});

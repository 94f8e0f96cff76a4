// Replays Zephyr's packet-buffer trace fixtures (mp_basic and the mpsc
// sections of edge_cases) on both engines and compares the output with what
// Zephyr's own C code printed. The internal indices (mp_state) are compared
// too: the port follows Zephyr's algorithm step for step.

import { describe, expect, it } from 'vitest';
import { replay } from '../dist/cli/trace/replay.js';
import { fixture, join, normalise, sections } from './util/trace.js';

describe.each(['wasm', 'js'] as const)('packet-buffer trace fixtures on the %s engine', (kind) => {
  it('mp_basic matches Zephyr, mp_state lines included', async () => {
    const out = await replay(fixture('mp_basic.txt'), kind);
    expect(normalise(out)).toEqual(normalise(fixture('mp_basic.out')));
    const states = (s: string): string[] => s.split('\n').filter((l) => l.startsWith('mp_state'));
    expect(states(out)).toEqual(states(fixture('mp_basic.out')));
    expect(states(out).length).toBeGreaterThan(0);
  });

  it('the mpsc sections of edge_cases match Zephyr, mp_state lines included', async () => {
    const all = sections(fixture('edge_cases.txt'), fixture('edge_cases.out'));
    const mp = all.filter((s) => s.title.startsWith('--- mpsc:'));
    expect(mp.length).toBe(6);
    const { script, expected } = join(mp);
    const out = await replay(script, kind);
    expect(normalise(out)).toEqual(normalise(expected));
    expect(out.split('\n').filter((l) => l.startsWith('mp_state'))).toEqual(
      expected.split('\n').filter((l) => l.startsWith('mp_state')),
    );
  });

  it('prints the trace-only ops and rejects bad lines without stopping', async () => {
    const script = [
      'alloc 1', // 1: no buffer yet
      'mp_init 8 maxutil',
      'maxutil',
      'alloc 0', // 4: rejected (Zephyr would corrupt a header)
      'alloc 3 nowait 7',
      'util',
      'mp_mem 0 3',
      'set_len 0 3', // the length alloc granted: a different one is refused (test/mpsc.headers.test.ts)
      'commit 0',
      'commit 0', // 10: already committed
      'claim',
      'claim', // 12: one claim at a time
      'free',
      'free', // 14: nothing claimed
      'put_data 9 1', // 15: longer than the buffer
      'put_word_raw 0x805',
      'maxutil',
      'pending',
      'pending 1', // 19: too many arguments
      'mp_init 4 nodrop_cb overwrite',
      'maxutil',
      'put_word 1',
      'put_word 2',
      'put_word 3',
      'put_word 4',
      'put_word 5',
      'claim',
    ].join('\n');
    expect(await replay(script, kind)).toBe(
      [
        'error 1 no packet buffer: mp_init first',
        'mp_init size=8 flags=0x5 ext_len=2',
        'maxutil 0 max=0',
        'error 4 wlen must be an integer from 1 to 8, got 0',
        'alloc off=0',
        'util size=32 now=12',
        'mp_mem 0000380c 00001b59 00001b5a',
        'set_len',
        'commit',
        'error 10 packet 0 is not an allocated, uncommitted packet',
        'claim off=0 len=3 tag=7 pay=ok',
        'error 12 claim: a claimed packet has not been freed yet; free it first (one claim at a time, as in Zephyr)',
        'free',
        'error 14 free: no packet claimed',
        'error 15 putData length (end - start) must be an integer from 1 to 8, got 9',
        'put_word_raw',
        'maxutil 0 max=12',
        'pending 1',
        'error 19 unexpected argument 1',
        'mp_init size=4 flags=0x3 ext_len=2',
        'maxutil -95',
        'put_word',
        'put_word',
        'put_word',
        'put_word',
        'put_word',
        'claim off=1 len=1 tag=2 pay=-',
        '',
      ].join('\n'),
    );
  });
});

// The bench's warnings (bench/conditions.js) and its time-left estimate
// (bench/progress.js): a run must say when the machine was loaded or the
// cross-thread hand-off moved, and stay quiet otherwise.
import { describe, expect, test } from 'vitest';
import { Conditions } from '../bench/conditions.js';
import { Progress, clock } from '../bench/progress.js';

function quiet(): Conditions {
  const c = new Conditions();
  c.load = { start: 0.5, max: 1.2, end: 1 };
  return c;
}

describe('bench conditions', () => {
  test('a quiet run: no warning', () => {
    const c = quiet();
    c.addShare('bytes.copy.16', 'wasm', 0.99);
    c.addHandoff('start', 480);
    c.addHandoff('xthread.handoff', 510);
    c.addHandoff('end', 495);
    expect(c.warnings()).toEqual([]);
    expect(c.toJSON()).toMatchObject({
      cpuShare: { min: 0.99, below: [] },
      handoffNs: [{ at: 'start', ns: 480 }, {}, {}],
    });
  });

  test('a high load average warns', () => {
    const c = quiet();
    c.load.max = 9.6;
    expect(c.warnings()).toEqual([
      expect.stringMatching(/^the machine was loaded during the run \(load average up to 9\.6 on \d+ cores\)/),
    ]);
  });

  test('a timing process that got under 90% of a core warns, naming the worst', () => {
    const c = quiet();
    c.addShare('bytes.copy.16', 'wasm', 0.97);
    c.addShare('items.1', 'mnemonist', 0.42);
    c.addShare('items.4', 'js', 0.8);
    const [w] = c.warnings();
    expect(w).toContain('2 of 3 timing processes got under 90% of a core (worst 42%, items.1 mnemonist)');
    expect(c.toJSON().cpuShare?.below).toEqual(['items.1 mnemonist', 'items.4 js']);
  });

  test('a hand-off that moved more than 1.5x during the run warns, with every measurement', () => {
    const c = quiet();
    c.addHandoff('start', 517);
    c.addHandoff('end', 127);
    expect(c.warnings()).toEqual([
      'the cross-thread hand-off changed during the run (xthread.handoff 517 ns at start, 127 ns at end): ' +
        'cross-thread figures and ratios from different parts of this run do not compare',
    ]);
  });
});

describe('bench progress', () => {
  test('clock prints m:ss', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65_400)).toBe('1:05');
    expect(clock(600_000)).toBe('10:00');
  });

  test('time left is the mean time per process so far times the processes to go', () => {
    const p = new Progress(10);
    p.started = Date.now() - 20_000;
    expect(p.timing()).toBe('0:20 elapsed');
    for (let i = 0; i < 4; i++) p.finished();
    expect(p.timing()).toBe('0:20 elapsed, ~0:30 left');
  });
});

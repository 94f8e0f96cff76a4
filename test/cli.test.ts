// The real command line, as a user runs it: node bin/wasm-ringbuf.js.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixture, normalise } from './util/trace.js';

const bin = new URL('../bin/wasm-ringbuf.js', import.meta.url).pathname;

function run(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' });
}

describe('wasm-ringbuf CLI', () => {
  it('trace --engine js replays rb_basic from stdin like Zephyr', () => {
    const r = run(['trace', '--engine', 'js'], fixture('rb_basic.txt'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(normalise(r.stdout)).toEqual(normalise(fixture('rb_basic.out')));
  });

  it('trace defaults to the wasm engine', () => {
    const r = run(['trace'], fixture('rb_rollover.txt'));
    expect(r.status).toBe(0);
    expect(normalise(r.stdout)).toEqual(normalise(fixture('rb_rollover.out')));
  });

  it('--help prints the usage and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: wasm-ringbuf trace \[--engine wasm\|js\]/);
  });

  it.each([
    [['trace', '--bogus'], /unknown option --bogus/],
    [['trace', '--engine', 'rust'], /--engine must be wasm or js, got rust/],
    [['trace', '--engine'], /--engine must be wasm or js, got nothing/],
    [[], /missing command/],
    [['replay'], /unknown command replay/],
  ])('%j is a usage error: exit code 2 and a message on stderr', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

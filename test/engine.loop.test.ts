// Engines created in a loop, as users do (one per worker, per test, per job):
// Node 20.20 was seen to hang for ever in such a loop when every engine was
// instantiated asynchronously (the main thread in NodePlatform::DrainTasks).
// createEngine now compiles each core once and instantiates it synchronously.
// Each run is a child process with a timeout, so a hang fails instead of
// stalling the suite; several runs in a row, since the hang was intermittent.

import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const LOOP = `
const { createEngine, RingBuf } = await import(process.argv[1]);
for (let i = 0; i < 2000; i++) {
  const e = await createEngine('wasm', { shared: i % 2 === 1 });
  new RingBuf(e, 256);
}
console.log('created 2000');
`;

const DIST = new URL('../dist/bindings/index.js', import.meta.url).href;

function runLoop(): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', LOOP, DIST],
      { timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout) => {
        const e = error as (Error & { code?: number; signal?: string }) | null;
        resolve({ code: e ? (e.code ?? null) : 0, signal: e?.signal ?? null, out: stdout });
      },
    );
  });
}

describe('creating engines in a loop', () => {
  it('2,000 engines per process, 4 processes in a row, none hangs', async () => {
    for (let run = 0; run < 4; run++) {
      const r = await runLoop();
      expect({ run, ...r }).toEqual({ run, code: 0, signal: null, out: 'created 2000\n' });
    }
  }, 300_000);
});

// Smoke run of the buffers across worker_threads in other runtimes (Bun,
// Deno; any node too): this thread makes each buffer in a shared memory and
// passes its descriptor to workers running test/workers/roles.js (the roles
// of the cross-thread tests), which move checked frames, items and packets
// through it with the blocking waits; then this thread checks the counts and
// that the buffer is left empty. CI (.ci/run) runs it under the Bun and Deno
// of scripts/runtimes.js, after `npm run build`:
//   "$(node scripts/runtimes.js bun | cut -d' ' -f2)" test/runtimes.worker.smoke.mjs
//   "$(node scripts/runtimes.js deno | cut -d' ' -f2)" run -A test/runtimes.worker.smoke.mjs
// Prints one line per check; exits with 1 if any failed, 2 if it ran past its bound.
import { Worker } from 'node:worker_threads';

const root = new URL('../', import.meta.url);
const { createEngine, ItemRingBuf, MpscPbuf, RingBuf } = await import(new URL('dist/bindings/index.js', root));
const script = new URL('test/workers/node.js', root);
const WAIT_MS = 20_000;
const seed = 15;

// A lost wake-up would hang a role until its own waitMs; this bounds the whole run.
const bound = setTimeout(() => {
  console.log('smoke: did not end within 60 s');
  process.exit(2);
}, 60_000);

let failed = 0;
function check(what, ok, detail = '') {
  console.log(`${what} ${ok ? 'ok' : `FAILED ${detail}`}`);
  if (!ok) failed++;
}

/** Runs the roles in worker_threads Workers; resolves with their results in order. */
function roles(list) {
  return Promise.all(
    list.map(
      (data) =>
        new Promise((resolve, reject) => {
          const w = new Worker(script, { workerData: data });
          w.on('message', (m) => {
            if (m.ready === true) return;
            if (m.error !== undefined) reject(new Error(`${data.role}: ${m.error}`));
            else resolve(m.result);
            w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
}

async function attempt(what, body) {
  try {
    await body();
  } catch (e) {
    check(what, false, e instanceof Error ? e.message : String(e));
  }
}

const engine = await createEngine('wasm', { shared: true });
const common = { module: engine.module, seed, waitMs: WAIT_MS };

for (const [pk, ck] of [
  ['wasm', 'js'],
  ['js', 'wasm'],
]) {
  await attempt(`RingBuf ${pk} producer → ${ck} consumer`, async () => {
    const rb = new RingBuf(engine, 4099);
    const total = 2e6;
    const d = { ...common, descriptor: rb.descriptor, total };
    const [p, c] = await roles([
      { ...d, role: 'bytesProducer', kind: pk },
      { ...d, role: 'bytesConsumer', kind: ck },
    ]);
    check(
      `RingBuf ${pk} producer → ${ck} consumer: ${c.frames} frames, ${c.bytes} bytes`,
      c.frames === p.frames && c.bytes === p.bytes && p.bytes >= total && rb.isEmpty && rb.space === 4099,
    );
  });
  await attempt(`ItemRingBuf ${pk} producer → ${ck} consumer`, async () => {
    const rb = new ItemRingBuf(engine, 257);
    const items = 20_000;
    const d = { ...common, descriptor: rb.descriptor, items };
    const [p, c] = await roles([
      { ...d, role: 'itemsProducer', kind: pk },
      { ...d, role: 'itemsConsumer', kind: ck },
    ]);
    check(
      `ItemRingBuf ${pk} producer → ${ck} consumer: ${c.items} items`,
      p.items === items && c.items === items && c.bytes === p.bytes && rb.isEmpty,
    );
  });
}

await attempt('MpscPbuf wasm + js producers → wasm consumer', async () => {
  const pb = new MpscPbuf(engine, 512, { overwrite: false, lengthBits: 9 });
  const count = 20_000;
  const d = {
    ...common,
    descriptor: pb.descriptor,
    count,
    overwrite: false,
    producers: 2,
    done: new SharedArrayBuffer(4),
  };
  const [c] = await roles([
    { ...d, role: 'mpscConsumer', kind: 'wasm' },
    { ...d, role: 'mpscProducer', kind: 'wasm', id: 0 },
    { ...d, role: 'mpscProducer', kind: 'js', id: 1 },
  ]);
  const all = c.delivered.every((seen) => seen.every((n) => n === 1));
  check(`MpscPbuf 2 producers → consumer: ${c.packets} packets`, c.packets === 2 * count && all && !pb.isPending);
});

clearTimeout(bound);
const runtime = globalThis.Bun
  ? `bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `deno ${globalThis.Deno.version.deno}`
    : `node ${process.version}`;
console.log(`${runtime}: ${failed === 0 ? 'all checks passed' : `${failed} failed`}`);
process.exit(failed === 0 ? 0 : 1);

#!/usr/bin/env node
// Idle cost of a stream consumer (issue 11): a reader waiting one second on
// an empty stream whose producer, in a Worker, is open but silent. Prints
// the CPU time of the whole process (every thread) over that second, as a
// share of one core (process.cpuUsage). Target: under 5 %.
// Usage: node bench/cases/stream.idle.js   (after npm run build)
import { Worker } from 'node:worker_threads';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { MessageReadable, RingReadable } from '../../dist/bindings/streams/node.js';

const producer = `
  import { workerData, parentPort } from 'node:worker_threads';
  const lib = await import(${JSON.stringify(new URL('../../dist/bindings/index.js', import.meta.url).href)});
  const streams = await import(${JSON.stringify(new URL('../../dist/bindings/streams/node.js', import.meta.url).href)});
  const engine = await lib.createEngine(workerData.kind, { memory: workerData.desc.memory, module: workerData.module });
  const out = workerData.desc.type === 'RingBuf'
    ? new streams.RingWritable(lib.RingBuf.attach(engine, workerData.desc))
    : new streams.MessageWritable(lib.MpscPbuf.attach(engine, workerData.desc));
  parentPort.once('message', () => out.end(() => parentPort.close()));
  parentPort.postMessage('ready');
`;

async function idle(kind, type) {
  const engine = await createEngine(kind, { shared: true });
  const buf = type === 'RingBuf' ? new RingBuf(engine, 65536) : new MpscPbuf(engine, 16384);
  const w = new Worker(producer, { eval: true, workerData: { kind, desc: buf.descriptor, module: engine.module } });
  await new Promise((r) => w.once('message', r));
  const input = buf instanceof RingBuf ? new RingReadable(buf) : new MessageReadable(buf, { producers: 1 });
  const reading = (async () => {
    for await (const _ of input);
  })();
  await new Promise((r) => setTimeout(r, 100)); // settled: both sides asleep
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 1000));
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  w.postMessage('end');
  await reading;
  await new Promise((r) => w.once('exit', r));
  return ((c.user + c.system) / 1000 / wall) * 100;
}

for (const type of ['RingBuf', 'MpscPbuf']) {
  for (const kind of ['wasm', 'js']) {
    console.log(
      `${type} ${kind}: a reader waiting 1 s on an empty stream used ${(await idle(kind, type)).toFixed(2)} % of a core`,
    );
  }
}

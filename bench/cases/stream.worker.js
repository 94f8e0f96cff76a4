// The worker side of the stream cases (stream.js), one role per Worker. A
// consumer publishes, in the shared words, the bytes it consumed ([0], mod
// 2^32) and a checksum ([1]: characters for text, the first and last byte of
// each chunk for bytes); it notifies [0], on which the main thread's step
// waits, only once [0] reaches the step's target ([2]), so that every
// consumer pays the same few wake-ups of the main thread however its
// transport slices the data. A producer writes lines for ever, as fast as
// it is let.
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort as maybePort, workerData } from 'node:worker_threads';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { MessageWritable, RingReadable } from '../../dist/bindings/streams/node.js';
import { LINES } from './stream.lines.js';

// A worker_threads Worker has a parent port; anywhere else this script is misused.
if (!maybePort) throw new Error('bench/cases/stream.worker.js runs only in a worker_threads Worker');
const port = maybePort;

const { role, impl, descriptor, module } = workerData;
const ctl = new Int32Array(workerData.ctl);
let bytes = 0,
  sum = 0;

function publish() {
  Atomics.store(ctl, 1, sum);
  Atomics.store(ctl, 0, bytes);
  if (bytes === Atomics.load(ctl, 2)) Atomics.notify(ctl, 0);
}

const attach = async (Class) =>
  Class.attach(await createEngine(impl, { memory: descriptor.memory, module }), descriptor);

if (role === 'lines-ring') {
  // Text, as the postMessage and thread-stream consumers get it, counted the
  // same way (length and Buffer.byteLength); a string holds many lines.
  const input = new RingReadable(await attach(RingBuf));
  input.setEncoding('utf8');
  input.on('data', (s) => {
    sum = (sum + s.length) | 0;
    bytes = (bytes + Buffer.byteLength(s)) | 0;
    publish();
  });
  port.postMessage('ready');
} else if (role === 'lines-post') {
  port.on('message', (s) => {
    sum = (sum + s.length) | 0;
    bytes = (bytes + Buffer.byteLength(s)) | 0;
    publish();
  });
  port.postMessage('ready');
} else if (role === 'bytes-ring' || role === 'bytes-post') {
  const counter = new Writable({
    write(chunk, _, cb) {
      sum = (sum + chunk[0] + chunk[chunk.length - 1]) | 0;
      bytes = (bytes + chunk.length) | 0;
      publish();
      cb();
    },
  });
  if (role === 'bytes-ring') {
    pipeline(new RingReadable(await attach(RingBuf)), counter);
  } else {
    port.on('message', (chunk) => counter.write(chunk));
  }
  port.postMessage('ready');
} else if (role === 'mpsc-writer') {
  const out = new MessageWritable(await attach(MpscPbuf));
  port.postMessage('ready');
  for (let i = workerData.id * 2500; ; i = (i + 1) % LINES.length) {
    if (!out.write(LINES[i])) await once(out, 'drain');
  }
} else if (role === 'mpsc-post') {
  // At most WINDOW lines in flight: credits[id] grows as the consumer reads.
  const WINDOW = 256;
  const credits = new Int32Array(workerData.credits);
  const id = workerData.id;
  port.postMessage('ready');
  for (let i = id * 2500, sent = 0; ; i = (i + 1) % LINES.length, sent++) {
    for (let c = Atomics.load(credits, id); sent - c >= WINDOW; c = Atomics.load(credits, id)) {
      Atomics.wait(credits, id, c);
    }
    port.postMessage({ id, line: LINES[i] });
  }
}

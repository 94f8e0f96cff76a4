// The other thread of the cross-thread cases (xthread.cases.js), for any
// platform's workers: a byte-stream consumer, the hand-off's echo, or one
// producer of the MPSC cases (an MpscPbuf producer, a ringbuf.js lane, a
// postMessage sender, a `multithreading` channel Sender). A consumer drains
// whatever arrives and publishes, in the shared control words, how many
// bytes it consumed and a checksum (the first and last byte of every read),
// so that the producing step can wait for the drain and return something
// derived from the data.
import { RingBuffer } from 'ringbuf.js';
import { createEngine, MpscPbuf, RingBuf } from '../../dist/bindings/index.js';
import { senderFrom } from './multithreading.js';

const out = new Uint8Array(65536);

/**
 * Plays the role `data` names ({ impl, ctl, role, ... }, from xthread.cases.js),
 * saying 'ready' through `post` once set up; `listen(fn)` calls `fn` with
 * each message the producing thread sends.
 * @param {any} data
 * @param {(message: unknown) => void} post
 * @param {(fn: (message: any) => void) => void} listen
 */
export async function runRole(data, post, listen) {
  const { impl, role } = data;
  const ctl = new Int32Array(data.ctl); // [0] bytes consumed (mod 2^32), [1] checksum
  const publish = (got, sum) => {
    // Release: the producer reads the checksum after it sees the count.
    Atomics.store(ctl, 1, sum);
    Atomics.store(ctl, 0, got);
  };

  if (role === 'handoff') {
    // The floor under every cross-thread case: answer each number this thread
    // is handed, as soon as it sees it (both sides spin; nothing else runs).
    post('ready');
    for (let i = 1; ; i = (i + 1) | 0) {
      while (Atomics.load(ctl, 0) !== i);
      Atomics.store(ctl, 1, i);
    }
  } else if (role === 'mpsc-producer') {
    // One of the MpscPbuf producers: 8-word packets (header + 7 payload
    // words) for ever, sleeping in alloc while the buffer is full (or, in
    // overwrite mode, never waiting: the oldest packets are dropped).
    const { descriptor, module, wlen, overwrite } = data;
    const pb = MpscPbuf.attach(await createEngine(impl, { memory: descriptor.memory, module }), descriptor);
    const w = pb.words;
    const ms = overwrite ? 0 : Infinity;
    post('ready');
    for (let i = 0; ; i++) {
      const p = pb.alloc(wlen, ms); // no deadline: returns room (overwrite: null only while nothing can be dropped)
      if (p === null) continue;
      w[p] = (wlen << 2) | ((i & 0xfffff) << 11);
      for (let j = 1; j < wlen; j++) w[p + j] = i + j;
      pb.commit(p);
    }
  } else if (role === 'mpsc-lane') {
    // A ringbuf.js lane: one SPSC ring per producer; a full ring makes it spin (ringbuf.js has no wait).
    const { sab, wlen } = data;
    const rb = new RingBuffer(sab, Uint32Array);
    const packet = new Uint32Array(wlen);
    post('ready');
    for (let i = 0; ; i++) {
      packet[0] = (wlen << 2) | ((i & 0xfffff) << 11);
      for (let j = 1; j < wlen; j++) packet[j] = i + j;
      while (rb.availableWrite() < wlen);
      rb.push(packet);
    }
  } else if (role === 'mpsc-post') {
    // postMessage fan-in: one message per packet, at most `window` in flight (credits[id] grows as the consumer reads).
    const { wlen, window, id } = data;
    const credits = new Int32Array(data.credits);
    post('ready');
    for (let i = 0, sent = 0; ; i++, sent++) {
      for (let c = Atomics.load(credits, id); sent - c >= window; c = Atomics.load(credits, id)) {
        Atomics.wait(credits, id, c);
      }
      const packet = new Uint32Array(wlen);
      packet[0] = id | (wlen << 8);
      for (let j = 1; j < wlen; j++) packet[j] = i + j;
      post(packet);
    }
  } else if (role === 'mpsc-channel') {
    // A Sender of the multithreading package's channel: each packet an array
    // of 8 numbers, `blockingSend` sleeping while the channel is full.
    // Imported here: it does not load everywhere (multithreading.js).
    const { Sender } = await import('multithreading');
    const tx = senderFrom(Sender, data.sender);
    const { wlen } = data;
    const packet = new Array(wlen).fill(0);
    post('ready');
    for (let i = 0; ; i++) {
      packet[0] = (wlen << 2) | ((i & 0xfffff) << 11);
      for (let j = 1; j < wlen; j++) packet[j] = i + j;
      const r = tx.blockingSend(packet);
      if (!r.ok) throw r.error;
    }
  } else if (impl === 'wasm' || impl === 'js') {
    const { descriptor, module } = data;
    const rb = RingBuf.attach(await createEngine(impl, { memory: descriptor.memory, module }), descriptor);
    post('ready');
    let got = 0,
      sum = 0;
    for (;;) {
      const g = rb.get(out);
      if (g === 0) {
        rb.waitForData();
        continue;
      }
      sum = (sum + out[0] + out[g - 1]) | 0;
      got = (got + g) | 0;
      publish(got, sum);
    }
  } else if (impl === 'ringbuf.js') {
    // ringbuf.js has no wait: its consumer polls, as its README shows.
    const rb = new RingBuffer(data.sab, Uint8Array);
    post('ready');
    let got = 0,
      sum = 0;
    for (;;) {
      const g = rb.pop(out);
      if (g === 0) continue;
      sum = (sum + out[0] + out[g - 1]) | 0;
      got = (got + g) | 0;
      publish(got, sum);
    }
  } else if (impl === 'postMessage') {
    let got = 0,
      sum = 0;
    listen((chunk) => {
      sum = (sum + chunk[0] + chunk[chunk.length - 1]) | 0;
      got = (got + chunk.length) | 0;
      publish(got, sum);
      // The producer sleeps on the count only at the end of a step.
      Atomics.notify(ctl, 0);
    });
    post('ready');
  }
}

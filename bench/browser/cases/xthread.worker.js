// The other thread of the browser's cross-thread cases (xthread.js), one per
// Web Worker: a byte-stream consumer, the hand-off's echo, or a producer of
// the MPSC cases (an MpscPbuf producer, a ringbuf.js lane, a postMessage sender). Its first
// message says what it is ({ impl, ctl, role, ... }); it answers 'ready'.
// It drains whatever arrives and publishes in the shared control words how
// many bytes it consumed and a checksum (the first and last byte of every
// read), so that the producing step can wait for the drain.
import { RingBuffer } from 'ringbuf.js';
import { createEngine, MpscPbuf, RingBuf } from '../../../dist/bindings/index.js';

const out = new Uint8Array(65536);

self.onmessage = async ({ data }) => {
  self.onmessage = null;
  const { impl, role } = data;
  const ctl = new Int32Array(data.ctl); // [0] bytes consumed (mod 2^32), [1] checksum
  const publish = (got, sum) => {
    // Release: the producer reads the checksum after it sees the count.
    Atomics.store(ctl, 1, sum);
    Atomics.store(ctl, 0, got);
  };
  let got = 0;
  let sum = 0;
  if (role === 'handoff') {
    self.postMessage('ready');
    for (let i = 1; ; i = (i + 1) | 0) {
      while (Atomics.load(ctl, 0) !== i);
      Atomics.store(ctl, 1, i);
    }
  } else if (role === 'mpsc-producer') {
    // 8-word packets (header + 7 payload words) for ever, sleeping in alloc while the buffer is full
    // (in overwrite mode never waiting: the oldest packets are dropped).
    const { descriptor, module, wlen, overwrite } = data;
    const pb = MpscPbuf.attach(await createEngine(impl, { memory: descriptor.memory, module }), descriptor);
    const w = pb.words;
    const ms = overwrite ? 0 : Infinity;
    self.postMessage('ready');
    for (let i = 0; ; i++) {
      const p = pb.alloc(wlen, ms); // no deadline: returns room (overwrite: null only while nothing can be dropped)
      if (p === null) continue;
      w[p] = (wlen << 2) | ((i & 0xfffff) << 11);
      for (let j = 1; j < wlen; j++) w[p + j] = i + j;
      pb.commit(p);
    }
  } else if (role === 'mpsc-lane') {
    // A ringbuf.js lane: one SPSC ring per producer; a full ring makes it spin (ringbuf.js has no wait).
    const rb = new RingBuffer(data.sab, Uint32Array);
    const packet = new Uint32Array(data.wlen);
    self.postMessage('ready');
    for (let i = 0; ; i++) {
      packet[0] = (data.wlen << 2) | ((i & 0xfffff) << 11);
      for (let j = 1; j < data.wlen; j++) packet[j] = i + j;
      while (rb.availableWrite() < data.wlen);
      rb.push(packet);
    }
  } else if (role === 'mpsc-post') {
    // postMessage fan-in: one message per packet, at most `window` in flight (credits[id] grows as the consumer reads).
    const { wlen, window, id } = data;
    const credits = new Int32Array(data.credits);
    self.postMessage('ready');
    for (let i = 0, sent = 0; ; i++, sent++) {
      for (let c = Atomics.load(credits, id); sent - c >= window; c = Atomics.load(credits, id)) {
        Atomics.wait(credits, id, c);
      }
      const packet = new Uint32Array(wlen);
      packet[0] = id | (wlen << 8);
      for (let j = 1; j < wlen; j++) packet[j] = i + j;
      self.postMessage(packet);
    }
  } else if (impl === 'wasm' || impl === 'js') {
    const { descriptor, module } = data;
    const rb = RingBuf.attach(await createEngine(impl, { memory: descriptor.memory, module }), descriptor);
    self.postMessage('ready');
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
    const rb = new RingBuffer(data.sab, Uint8Array);
    self.postMessage('ready');
    for (;;) {
      const g = rb.pop(out);
      if (g === 0) continue;
      sum = (sum + out[0] + out[g - 1]) | 0;
      got = (got + g) | 0;
      publish(got, sum);
    }
  } else if (impl === 'postMessage') {
    self.onmessage = ({ data: chunk }) => {
      sum = (sum + chunk[0] + chunk[chunk.length - 1]) | 0;
      got = (got + chunk.length) | 0;
      publish(got, sum);
      // The producer sleeps on the count only at the end of a step.
      Atomics.notify(ctl, 0);
    };
    self.postMessage('ready');
  }
};

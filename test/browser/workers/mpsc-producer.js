// Web Worker: one producer of the MpscPbuf stress test. Sends `count` packets
// of 2 to 8 words, every third one with putData (a whole packet, retried while
// it finds no room) and the others with alloc + commit. Without overwrite,
// alloc waits for space for ever (this worker may block); with overwrite it
// never waits and the buffer drops its oldest packets instead.
//
// Packet: header (id << 10 | length << 2; putData also sets the valid bit),
// sequence number, then (seq * 31 + id * 7 + j) for j = 2 .. length-1.
import { createEngine, MpscPbuf } from '../../../dist/bindings/index.js';

self.onmessage = async ({ data }) => {
  try {
    postMessage(await produce(data));
  } catch (e) {
    // An exception in an async handler would not reach the page's onerror: report it.
    postMessage({ error: `${e instanceof Error ? e.stack : e}` });
  }
};

async function produce({ kind, module, descriptor, id, count, overwrite }) {
  const engine = await createEngine(kind, { memory: descriptor.memory, module });
  const pb = MpscPbuf.attach(engine, descriptor);
  const whole = new Uint32Array(8);
  let refused = 0; // putData calls that found no room: the buffer counts them as "lost"
  for (let seq = 0; seq < count; seq++) {
    const len = 2 + ((seq * 7 + id) % 7);
    if (seq % 3 === 0) {
      whole[0] = (id << 10) | (len << 2) | 1;
      whole[1] = seq;
      for (let j = 2; j < len; j++) whole[j] = (seq * 31 + id * 7 + j) >>> 0;
      while (!pb.putData(whole, 0, len)) refused++;
    } else {
      // Even with overwrite a no-wait alloc can fail: the oldest packet may be
      // claimed, or allocated and not yet committed by another producer.
      let p = pb.alloc(len, overwrite ? 0 : Infinity);
      while (p === null) p = pb.alloc(len, overwrite ? 0 : Infinity);
      const w = pb.words;
      w[p] = (id << 10) | (len << 2);
      w[p + 1] = seq;
      for (let j = 2; j < len; j++) w[p + j] = (seq * 31 + id * 7 + j) >>> 0;
      pb.commit(p);
    }
  }
  return { id, count, refused };
}

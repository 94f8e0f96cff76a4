// thread-stream's destination in stream.lines.500: a Writable in its worker
// that counts the bytes and characters it is given (strings, as thread-stream
// decodes them) and publishes them in the shared words of stream.js, as
// stream.worker.js does.
import { Writable } from 'node:stream';

export default function destination({ ctl: buffer }) {
  const ctl = new Int32Array(buffer);
  let bytes = 0,
    chars = 0;
  return new Writable({
    decodeStrings: false,
    write(s, _, cb) {
      chars = (chars + s.length) | 0;
      bytes = (bytes + Buffer.byteLength(s)) | 0;
      Atomics.store(ctl, 1, chars);
      Atomics.store(ctl, 0, bytes);
      if (bytes === Atomics.load(ctl, 2)) Atomics.notify(ctl, 0);
      cb();
    },
  });
}

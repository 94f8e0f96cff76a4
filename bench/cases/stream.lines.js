// The lines of stream.lines.500 and stream.mpsc.4p: 10,000 pino-like JSON log
// lines of exactly 500 bytes of UTF-8 each (newline included); one in ten
// carries a 2-byte character, so characters and bytes differ.

export const LINE_BYTES = 500;
const COUNT = 10000;

function line(i) {
  const head = JSON.stringify({
    level: 30,
    time: 1764700000000 + i,
    pid: 4242,
    hostname: 'bench-host',
    reqId: `req-${i}`,
    msg: i % 10 === 0 ? 'requête terminée' : 'request completed',
    responseTime: (i * 37) % 1000,
  });
  // Pad inside one last field so that the whole line is LINE_BYTES bytes.
  const bytes = Buffer.byteLength(head) + ',"pad":""}\n'.length - 1;
  return `${head.slice(0, -1)},"pad":"${'x'.repeat(LINE_BYTES - bytes)}"}\n`;
}

export const LINES = Array.from({ length: COUNT }, (_, i) => line(i));

#!/usr/bin/env node
// The floor under stream.lines.500 (issue 11): what each step of moving a
// 500-byte line costs alone, in one thread, against what a postMessage of
// the same string costs. Prints ns per line, CPU time, best of 9 rounds of
// the case's 10,000 lines. bench/README.md ("Stream figures, second pass")
// turns these into the ratio to postMessage that the steps allow.
// Usage: node bench/cases/stream.floor.js
import { MessageChannel } from 'node:worker_threads';
import { LINES } from './stream.lines.js';

const N = LINES.length;
const RUN = 65536;
let sink = 0;

/** Best CPU time per line over `rounds` runs of `fn` (awaited). */
async function perLine(fn, rounds = 9) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, ((c.user + c.system) * 1000) / N);
  }
  return best;
}

/** @typedef {Buffer & { utf8Write(s: string, at: number, n: number): number; latin1Slice(from: number, to: number): string }} RawBuffer Node's Buffer with the methods the streams use (not in @types/node). */
const stage = /** @type {RawBuffer} */ (Buffer.allocUnsafeSlow(1 << 23));
const shared = /** @type {RawBuffer} */ (Buffer.from(new SharedArrayBuffer(1 << 23)));
let total = 0;
for (const line of LINES) total += shared.utf8Write(line, total, 1500);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const { port1, port2 } = new MessageChannel();
let received = 0;
/** @type {(v?: unknown) => void} */
let allReceived = () => {};
port2.on('message', (s) => {
  sink += s.length;
  if (++received === N) allReceived();
});

/** @type {[string, () => unknown][]} */
const steps = [
  [
    'utf8Write into a private stage',
    () => {
      let at = 0;
      for (const line of LINES) at += stage.utf8Write(line, at, 1500);
      sink += at;
    },
  ],
  [
    'TextEncoder.encodeInto into a private array',
    () => {
      const u8 = new Uint8Array(stage.buffer);
      let at = 0;
      for (const line of LINES) at += encoder.encodeInto(line, u8.subarray(at, at + 1500)).written;
      sink += at;
    },
  ],
  [
    'copy into shared memory (64 KiB sets)',
    () => {
      for (let at = 0; at + RUN <= total; at += RUN) shared.set(stage.subarray(at, at + RUN), at);
    },
  ],
  [
    'TextDecoder over 64 KiB runs',
    () => {
      for (let at = 0; at < total; at += RUN)
        sink += decoder.decode(shared.subarray(at, Math.min(total, at + RUN))).length;
    },
  ],
  [
    'latin1Slice over 64 KiB runs (an ASCII run)',
    () => {
      for (let at = 0; at < total; at += RUN) sink += shared.latin1Slice(at, Math.min(total, at + RUN)).length;
    },
  ],
  [
    "the bench's count: length + Buffer.byteLength",
    () => {
      for (const line of LINES) sink += line.length + Buffer.byteLength(line);
    },
  ],
  [
    'postMessage of the string, sent and received',
    () =>
      new Promise((resolve) => {
        received = 0;
        allReceived = resolve;
        for (const line of LINES) port1.postMessage(line);
      }),
  ],
];

for (const [name, fn] of steps) console.log(`${name.padEnd(48)} ${(await perLine(fn)).toFixed(0).padStart(5)} ns/line`);
port1.close();
if (sink === 0) console.log('(nothing measured)');

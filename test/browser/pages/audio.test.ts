// Real audio through RingBufs in Chromium: the capture worklet, the playback
// worklet and their workers (demo/audio/), driven with known signals.
//
// Chromium runs with a fake microphone that plays a WAV file this test
// writes (stereo noise, 16-bit, at the fake device's 44.1 kHz): in a context
// at the track's rate with echo cancellation, noise suppression and gain
// control off, Chromium hands the samples over unchanged, only converted to
// float as its media code does (negative values / 32768, positive ones times
// the float32 nearest 1 / 32767), so the recorder's WAV must hold the file's
// samples exactly. Overruns and
// underruns are provoked by stalling a worker on purpose, with a 'ramp'
// signal (frame k carries k + 1) that shows exactly which frames a gap lost.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '../../../demo/server.js';
import { chromiumArgs, chromiumPath } from '../chromium.js';

const RATE = 44_100; // Chromium's fake capture device runs at this rate
const QUANTUM = 128;
const INPUT_FRAMES = 2 * RATE; // the fake device loops the file
const POSITIVE_SCALE = Math.fround(1 / 32767);

/** Stereo 16-bit noise, never 0 (so silence is recognisable), different per channel. */
function inputSamples(): Int16Array {
  const s = new Int16Array(INPUT_FRAMES * 2);
  let x = 12345;
  for (let i = 0; i < s.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const v = ((x >>> 8) % 20000) + 1;
    s[i] = x & 1 ? v : -v;
  }
  return s;
}

function pcmWav(samples: Int16Array, channels: number, rate: number): Buffer {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * channels * 2, 28);
  b.writeUInt16LE(channels * 2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples.length * 2, 40);
  Buffer.from(samples.buffer).copy(b, 44);
  return b;
}

interface Wav {
  format: number;
  channels: number;
  rate: number;
  samples: Float32Array;
}

/** Reads the recorder's float32 WAV. */
function parseWav(b: Buffer): Wav {
  expect(b.toString('ascii', 0, 4)).toBe('RIFF');
  expect(b.toString('ascii', 8, 16)).toBe('WAVEfmt ');
  expect(b.toString('ascii', 36, 40)).toBe('data');
  const bytes = b.readUInt32LE(40);
  expect(b.length).toBe(44 + bytes);
  const data = new Float32Array(bytes / 4);
  Buffer.from(data.buffer).set(b.subarray(44));
  return { format: b.readUInt16LE(20), channels: b.readUInt16LE(22), rate: b.readUInt32LE(24), samples: data };
}

interface Stats {
  captureQuanta: number;
  overruns: number;
  drainedFrames: number;
  peak: [number, number];
  captureUsed: number;
  captureUsedPeak: number;
  captureCapacity: number;
  playbackQuanta: number;
  underruns: number;
  synthFrames: number;
}

interface Run {
  stats: Stats;
  wav: Wav;
  sampleRate: number;
}

let browser: Browser;
let page: Page;
let server: { url: string; close(): Promise<void> };
const input = inputSamples();
const errors: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wrb-audio-'));
  const file = join(dir, 'input.wav');
  writeFileSync(file, pcmWav(input, 2, RATE));
  server = await startServer({ port: 0 });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      ...chromiumArgs,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${file}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${server.url}/demo/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 45_000 });
  await page.selectOption('#sensors', '1'); // less load next to the audio threads
  // A string, so that the test runner leaves this import for the page to resolve.
  await page.evaluate("import('/demo/audio/session.js').then((m) => { window.startAudio = m.startAudio; })");
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Starts a session with `options` in the page, lets it run `ms`, calls
 * `session[action](actionMs)` if given and runs `after` more, then suspends
 * the context (no more quanta), lets the recorder drain, and returns the
 * counters and the WAV.
 */
async function run(options: object, ms: number, action?: [string, number], after = 0): Promise<Run> {
  const r = await page.evaluate(
    async ({ options, ms, action, after }) => {
      // biome-ignore lint/suspicious/noExplicitAny: set by beforeAll
      const startAudio = (window as any).startAudio;
      const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
      const s = await startAudio({ maxSeconds: 20, ...options });
      await sleep(ms);
      if (action) s[action[0]](action[1]);
      await sleep(after);
      await s.context.suspend();
      await sleep(300); // the recorder drains what is left
      const stats = s.stats();
      const wav = new Uint8Array(await s.wav());
      await s.stop();
      let bin = '';
      for (let i = 0; i < wav.length; i += 0x8000) bin += String.fromCharCode(...wav.subarray(i, i + 0x8000));
      return { stats, wav: btoa(bin), sampleRate: s.sampleRate };
    },
    { options, ms, action, after },
  );
  return { stats: r.stats, wav: parseWav(Buffer.from(r.wav, 'base64')), sampleRate: r.sampleRate };
}

/** Frames of a stereo recording as [left, right] arrays. */
function channels(w: Wav): [Float32Array, Float32Array] {
  const n = w.samples.length / 2;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    l[k] = w.samples[2 * k];
    r[k] = w.samples[2 * k + 1];
  }
  return [l, r];
}

/** Index of the first frame that is not silent. */
function firstSound(l: Float32Array): number {
  const i = l.findIndex((v) => v !== 0);
  expect(i, 'the recording has sound').toBeGreaterThanOrEqual(0);
  return i;
}

/**
 * Splits a recording of the fake microphone into runs of frames that are the
 * file's, exactly and in order. Under CPU load Chromium's fake device drops
 * or inserts (as silence) 10 ms buffers before the worklet sees them, so a
 * run may end there; the ring itself loses nothing (the counters, and the
 * ramp test, prove that). Returns the frames in runs and after the first sound.
 */
function fileRuns(wav: Wav): { exact: number; sound: number; runs: number } {
  const [l, r] = channels(wav);
  const start = firstSound(l);
  const expected = (f: number, ch: number) => {
    const v = input[2 * (f % INPUT_FRAMES) + ch];
    return v < 0 ? v / 32768 : Math.fround(v * POSITIVE_SCALE);
  };
  const same = (k: number, f: number) => l[k] === expected(f, 0) && r[k] === expected(f, 1);
  /** The file frame that recording frame `k` and the 7 after it continue from, or -1. */
  const locate = (k: number) => {
    for (let f = 0; f < INPUT_FRAMES; f++) {
      let j = 0;
      while (j < 8 && k + j < l.length && same(k + j, f + j)) j++;
      if (j === 8) return f;
    }
    return -1;
  };
  let exact = 0;
  let runs = 0;
  for (let k = start; k < l.length; ) {
    const f = l[k] === 0 ? -1 : locate(k);
    if (f < 0) {
      k++;
      continue;
    }
    let j = k;
    while (j < l.length && same(j, f + (j - k))) j++;
    exact += j - k;
    runs++;
    k = j;
  }
  return { exact, sound: l.length - start, runs };
}

/** The samples of one heap-sampling window: bytes and the call stack ('fn@file > …', outermost first). */
type Samples = { bytes: number; stack: string }[];
type ProfileNode = { id: number; callFrame: { functionName: string; url: string }; children: ProfileNode[] };

/**
 * V8's sampling heap profiler inside a page's AudioWorkletGlobalScope,
 * through the DevTools protocol: Chromium lists the worklet as a target of
 * its page (once a module was added), and messages reach it through the
 * page's session.
 */
async function workletProfiler(p: Page) {
  const cdp: CDPSession = await p.context().newCDPSession(p);
  let sessionId: string | undefined;
  const pending = new Map<number, (m: { result?: unknown; error?: unknown }) => void>();
  let next = 0;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worklet') sessionId = e.sessionId;
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  // biome-ignore lint/suspicious/noExplicitAny: protocol results are untyped here
  const send = (method: string, params = {}): Promise<any> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, (m) => (m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result)));
      void cdp.send('Target.sendMessageToTarget', {
        sessionId: sessionId as string,
        message: JSON.stringify({ id, method, params }),
      });
    });
  return {
    /** Waits for the worklet target and enables the profiler there. */
    async attach() {
      for (let i = 0; i < 100 && sessionId === undefined; i++) await p.waitForTimeout(50);
      expect(sessionId, 'the worklet is a DevTools target').toBeDefined();
      await send('HeapProfiler.enable');
    },
    /** Samples one allocation per `interval` bytes on average, counting those a GC freed before the stop. */
    start: (interval: number) =>
      send('HeapProfiler.startSampling', {
        samplingInterval: interval,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      }),
    async stop(): Promise<Samples> {
      const { profile } = await send('HeapProfiler.stopSampling');
      const stacks = new Map<number, string>();
      const walk = (n: ProfileNode, stack: string[]) => {
        const here = [...stack, `${n.callFrame.functionName || '(anonymous)'}@${n.callFrame.url.split('/').pop()}`];
        stacks.set(n.id, here.slice(1).join(' > '));
        for (const c of n.children) walk(c, here);
      };
      walk(profile.head, []);
      const out: Samples = profile.samples.map((x: { size: number; nodeId: number }) => ({
        bytes: x.size,
        stack: stacks.get(x.nodeId) ?? '?',
      }));
      return out;
    },
  };
}

describe.each(['wasm', 'js'] as const)('the %s engine inside the worklets and workers', (engine) => {
  test('the microphone reaches the recorder bit for bit: the WAV holds the fake device file, between its own glitches', async () => {
    const { stats, wav, sampleRate } = await run({ engine, source: 'mic', captureMs: 1000 }, 1500);
    expect(sampleRate).toBe(RATE);
    expect([wav.format, wav.channels, wav.rate]).toEqual([3, 2, RATE]);
    expect(stats.overruns).toBe(0);
    // Every quantum the worklet wrote was drained and kept.
    expect(stats.drainedFrames).toBe(stats.captureQuanta * QUANTUM);
    expect(wav.samples.length / 2).toBe(stats.drainedFrames);
    const { exact, sound, runs } = fileRuns(wav);
    expect(sound, 'more than a second of sound').toBeGreaterThan(RATE);
    expect(runs).toBeGreaterThanOrEqual(1);
    // Every frame but those around a device glitch is the file's, bit for bit.
    expect(exact / sound, `share of frames exactly the file's (${runs} runs)`).toBeGreaterThan(0.75);
  });

  test('a stalled drain: the ring fills, every dropped block is an overrun, and the gaps add up to exactly them', async () => {
    const { stats, wav } = await run({ engine, source: 'ramp', captureMs: 50 }, 400, ['stallDrain', 400], 600);
    expect(stats.captureUsedPeak).toBe(stats.captureCapacity);
    expect(stats.overruns).toBeGreaterThan(50); // 400 ms stall, 50 ms ring: about 120 quanta
    expect(stats.drainedFrames + stats.overruns * QUANTUM).toBe(stats.captureQuanta * QUANTUM);
    const [l, r] = channels(wav);
    const start = firstSound(l);
    let missing = 0;
    let gaps = 0;
    for (let k = start; k < l.length; k++) {
      expect(r[k]).toBe(-l[k]); // channels stay in place
      if (k === start) continue;
      const step = l[k] - l[k - 1];
      if (step !== 1) {
        // A gap is whole quanta, never a partial block or a repeat.
        expect(step > 1 && (step - 1) % QUANTUM === 0, `step ${step} at frame ${k}`).toBe(true);
        missing += step - 1;
        gaps++;
      }
    }
    expect(gaps).toBeGreaterThanOrEqual(1);
    expect(missing).toBe(stats.overruns * QUANTUM);
  });

  test('a starved playback: every silent quantum is an underrun, and nothing the synth wrote is skipped', async () => {
    const { stats, wav } = await run(
      { engine, source: 'playback', playback: 'ramp', playbackMs: 50, captureMs: 1000 },
      400,
      ['stallSynth', 300],
      600,
    );
    expect(stats.overruns).toBe(0);
    expect(stats.underruns).toBeGreaterThan(50); // 300 ms stall, 50 ms ring: about 85 quanta
    const [l, r] = channels(wav);
    const start = firstSound(l);
    let silent = 0;
    let last = l[start] - 1;
    for (let q = start; q < l.length; q += QUANTUM) {
      // The worklet's quanta line up with the capture's: each is all sound or all silence.
      const block = l.subarray(q, q + QUANTUM);
      if (block[0] === 0) {
        expect(block.every((v) => v === 0)).toBe(true);
        silent++;
        continue;
      }
      for (let k = 0; k < block.length; k++) {
        expect(block[k]).toBe(last + 1); // the next frame the synth made
        expect(r[q + k]).toBe(-block[k]);
        last = block[k];
      }
    }
    expect(silent, 'silent quanta in the recording').toBe(stats.underruns);
    // The ramp starts at 1: every quantum the worklet ran either played the
    // next 128 frames (up to `last`, some maybe before the capture was
    // connected) or was an underrun.
    expect(stats.playbackQuanta, 'quanta the playback worklet ran').toBe(stats.underruns + last / QUANTUM);
  });
  test('process() allocates nothing: the heap sampler sees the worklets being built, then nothing per quantum', async () => {
    const p = await browser.newPage();
    try {
      await p.goto(`${server.url}/demo/`);
      await p.waitForSelector('body[data-ready="true"]', { timeout: 45_000 });
      await p.selectOption('#sensors', '1');
      const profiler = await workletProfiler(p);
      // The context's worklet scope exists once a module is added: the profiler attaches to it before any processor.
      await p.evaluate(`(async () => {
        window.ctx = new AudioContext({ sampleRate: ${RATE} });
        await ctx.audioWorklet.addModule('/demo/audio/capture-processor.js');
        window.startAudio = (await import('/demo/audio/session.js')).startAudio;
      })()`);
      await profiler.attach();
      const INTERVAL = 32; // bytes: a 16-byte object made every quantum would be sampled hundreds of times
      await profiler.start(INTERVAL);
      await p.evaluate(
        `startAudio({ context: ctx, engine: '${engine}', source: 'playback', playback: 'tone' }).then((s) => { window.s = s; })`,
      );
      // Warm-up: construction, and one-time work of the engine (V8 compiles a
      // js-to-wasm wrapper of its own for each export after its first calls).
      await p.waitForTimeout(5000);
      const warmUp = await profiler.stop();
      await profiler.start(INTERVAL);
      const before = (await p.evaluate('s.stats()')) as Stats;
      await p.waitForTimeout(3000);
      const steady = await profiler.stop();
      const after = (await p.evaluate('s.stats()')) as Stats;
      await p.evaluate('s.stop()');
      // The sampler does see the worklet's allocations: the views made once per block.
      expect(warmUp.some((x) => x.stack.includes('blockViews@attach.js'))).toBe(true);
      // Both processors ran hundreds of quanta in the sampled window, with data.
      expect(after.captureQuanta - before.captureQuanta).toBeGreaterThan(300);
      expect(after.playbackQuanta - before.playbackQuanta).toBeGreaterThan(300);
      expect(after.drainedFrames).toBeGreaterThan(before.drainedFrames);
      const inProcess = steady.filter((x) => /(^| > )process@(capture|playback)-processor\.js/.test(x.stack));
      // An object of 16 bytes made every quantum would be sampled in about 40 %
      // of the quanta (1 - e^(-16/32)); allow a rare one-off of V8's or
      // Chromium's own (seen: one sample of 108 bytes in one run of many),
      // never one per quantum.
      const quanta = after.captureQuanta - before.captureQuanta + after.playbackQuanta - before.playbackQuanta;
      expect(
        inProcess.length,
        `allocations under process(): ${inProcess.length}, first ${JSON.stringify(inProcess.slice(0, 3))}`,
      ).toBeLessThan(quanta / 200);
    } finally {
      await p.close();
    }
  });
});

test('the demo card: live counters, no loss from main-thread stalls, overruns and underruns on purpose, the WAV', async () => {
  type CardStats = Stats & { stalls: { count: number; longestMs: number; overruns: number } };
  const stats = () => page.evaluate('window.demo.audio()') as Promise<CardStats>;
  const dd = async (k: string) => (await page.textContent(`#card-audio [data-k="${k}"]`)) ?? '';
  const start = async (ring: string) => {
    await page.selectOption('#audio-source', 'mic');
    await page.selectOption('#audio-ring', ring);
    await page.selectOption('#audio-playback', 'tone');
    await page.click('#audio-start');
    await page.waitForFunction('window.demo.audio()?.drainedFrames > 0');
    await page.waitForTimeout(300);
  };

  // The page's own stall: the worklet and the worker go on, nothing is lost.
  // (A 1 s ring, so that a machine this loaded cannot starve the recorder
  // worker long enough to overrun during the stall by chance.)
  await start('1000');
  expect(await page.textContent('#audio-sub')).toContain('wasm engine in the worklets · 44100 Hz');
  expect(await page.evaluate('document.querySelector("#audio-level-l").value')).toBeGreaterThan(0.1); // the file's noise
  await page.click('#stall');
  await page.waitForTimeout(300);
  let s = await stats();
  expect(s.stalls.count).toBeGreaterThanOrEqual(1);
  expect(s.stalls.longestMs).toBeGreaterThanOrEqual(450);
  expect(s.stalls.overruns, 'capture lost during main-thread stalls').toBe(0);
  expect(s.overruns, 'overruns').toBe(0);
  expect(await dd('lost to them')).toBe('0');
  await page.click('#audio-start'); // stop
  expect(await page.evaluate('window.demo.audio()')).toBeNull();

  // The workers' stalls, longer than a 20 ms ring: overruns and underruns, on the card.
  await start('20');
  await page.click('#audio-stall-drain');
  await page.click('#audio-stall-synth');
  await page.waitForTimeout(900);
  s = await stats();
  expect(s.overruns).toBeGreaterThan(0);
  expect(s.underruns).toBeGreaterThan(0);
  expect(Number((await dd('overruns')).replace(/,/g, ''))).toBeGreaterThan(0);
  expect(Number((await dd('underruns')).replace(/,/g, ''))).toBeGreaterThan(0);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audio-wav')]);
  const wav = parseWav(readFileSync(await download.path()));
  expect([wav.format, wav.channels, wav.rate]).toEqual([3, 2, RATE]);
  const { exact, sound } = fileRuns(wav);
  expect(exact / sound).toBeGreaterThan(0.5); // the recorder's stall cut out a stretch (counted as overruns)
  await page.click('#audio-start'); // stop
});

test('no errors in the page, its workers or the worklets', () => {
  expect(errors).toEqual([]);
});

// The page's side of real audio over RingBufs: one shared memory with two
// rings, the capture and playback worklets, and the two workers.
//
//   source ─▶ capture worklet ─▶ ring ─▶ recorder worker (levels, WAV)
//   synth worker ─▶ ring ─▶ playback worklet ─▶ speakers (and, with
//                                               source 'playback', the capture worklet)
//
// The page never touches the audio: it reads the shared counters.
import { createEngine, RingBuf } from '../../dist/bindings/index.js';
import { C, COUNTER_SLOTS, QUANTUM_FRAMES, quantumBytes } from './format.js';

const here = (path) => new URL(path, import.meta.url);

/**
 * Starts capture (and playback, if asked) and resolves once every thread is
 * attached and the audio runs.
 *
 * Options: `engine` ('wasm' | 'js': the core the worklets and workers run);
 * `source`: what the capture worklet hears: 'mic' (getUserMedia, with echo
 * cancellation, noise suppression and gain control off, in a context at the
 * track's own rate so that no resampler touches the samples), 'tone' (a
 * 440 Hz oscillator), 'ramp' (a buffer whose frame k holds k + 1 left and
 * -(k + 1) right) or 'playback' (the playback worklet's output);
 * `playback`: null, 'tone' or 'ramp' (what the synth worker makes);
 * `captureMs` / `playbackMs`: ring sizes, rounded up to whole blocks (at least 2);
 * `channels` (default 2); `maxSeconds` kept for the WAV (default 60);
 * `context`: an AudioContext to use (default: a new one).
 */
export async function startAudio(options) {
  const { engine = 'wasm', source = 'mic', playback = null, captureMs = 200, playbackMs = 100 } = options;
  const { channels = 2, maxSeconds = 60 } = options;
  let stream;
  let sampleRate = options.sampleRate;
  if (source === 'mic') {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: channels },
    });
    sampleRate ??= stream.getAudioTracks()[0].getSettings().sampleRate;
  }
  const ctx = options.context ?? new AudioContext(sampleRate ? { sampleRate } : {});
  const rate = ctx.sampleRate;
  const block = quantumBytes(channels);
  const quantaOf = (ms) => Math.max(2, Math.ceil((ms * rate) / 1000 / QUANTUM_FRAMES));

  // One memory for both rings; the page's wasm engine compiles the core once.
  const bytes = quantaOf(captureMs) * block + quantaOf(playbackMs) * block;
  const wasm = await createEngine('wasm', { shared: true, initialPages: Math.ceil(bytes / 65536) + 2 });
  const counters = new SharedArrayBuffer(COUNTER_SLOTS * 4);
  const c = new Int32Array(counters);
  const captureRing = new RingBuf(wasm, quantaOf(captureMs) * block);
  const playbackRing = playback ? new RingBuf(wasm, quantaOf(playbackMs) * block) : null;
  const common = { engine, module: wasm.module, counters, channels, sampleRate: rate };

  const workers = [];
  const worker = async (file, init) => {
    const w = new Worker(here(file), { type: 'module' });
    workers.push(w);
    w.postMessage({ type: 'init', ...common, ...init });
    await reply(w, 'ready');
    return w;
  };
  const recorder = await worker('./recorder-worker.js', { descriptor: captureRing.descriptor, maxSeconds });
  if (playbackRing) await worker('./synth-worker.js', { descriptor: playbackRing.descriptor, signal: playback });

  await ctx.audioWorklet.addModule(here('./capture-processor.js'));
  if (playbackRing) await ctx.audioWorklet.addModule(here('./playback-processor.js'));
  const node = async (name, ring, init) => {
    const n = new AudioWorkletNode(ctx, name, {
      ...init,
      processorOptions: { ...common, descriptor: ring.descriptor },
    });
    await reply(n.port, 'ready');
    return n;
  };
  // numberOfOutputs 0: Chromium pulls such a node every quantum without a path to the speakers.
  const capture = await node('ring-capture', captureRing, {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    channelCount: channels,
    channelCountMode: 'explicit',
  });
  const player = playbackRing
    ? await node('ring-playback', playbackRing, {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [channels],
      })
    : null;

  let input;
  if (source === 'mic') input = ctx.createMediaStreamSource(stream);
  else if (source === 'tone') input = new OscillatorNode(ctx, { frequency: 440 });
  else if (source === 'ramp') input = new AudioBufferSourceNode(ctx, { buffer: rampBuffer(ctx, channels, maxSeconds) });
  else if (source === 'playback') input = player;
  else throw new TypeError(`source must be 'mic', 'tone', 'ramp' or 'playback', got ${String(source)}`);
  if (player) player.connect(ctx.destination);
  input.connect(capture);
  if (input.start) input.start();
  await ctx.resume();

  return {
    context: ctx,
    counters: c,
    sampleRate: rate,
    channels,
    engine,
    /** Everything the panel shows, read from the shared counters and the rings. */
    stats: () => ({
      captureQuanta: Atomics.load(c, C.CAPTURE_QUANTA),
      overruns: Atomics.load(c, C.OVERRUNS),
      drainedFrames: Atomics.load(c, C.DRAINED_FRAMES),
      peak: [Atomics.load(c, C.PEAK_L) / 1e6, Atomics.load(c, C.PEAK_R) / 1e6],
      captureUsed: captureRing.capacity - captureRing.space,
      captureUsedPeak: Atomics.load(c, C.CAPTURE_FILL_PEAK),
      captureCapacity: captureRing.capacity,
      playbackQuanta: Atomics.load(c, C.PLAYBACK_QUANTA),
      underruns: Atomics.load(c, C.UNDERRUNS),
      synthFrames: Atomics.load(c, C.SYNTH_FRAMES),
      playbackUsed: playbackRing ? playbackRing.size : 0,
      playbackCapacity: playbackRing ? playbackRing.capacity : 0,
    }),
    /** Stops the recorder worker draining for `ms`: the capture ring fills, then overruns. */
    stallDrain: (ms) => Atomics.store(c, C.DRAIN_STALL_MS, ms),
    /** Stops the synth worker producing for `ms`: the playback ring runs dry, then underruns. */
    stallSynth: (ms) => Atomics.store(c, C.SYNTH_STALL_MS, ms),
    /** The recording so far, as the bytes of a float32 WAV file. */
    wav: () => {
      recorder.postMessage({ type: 'wav' });
      return reply(recorder, 'wav').then((d) => d.wav);
    },
    async stop() {
      Atomics.store(c, C.STOP, 1);
      input.disconnect();
      await ctx.close();
      for (const w of workers) w.terminate();
      for (const t of stream?.getTracks() ?? []) t.stop();
    },
  };
}

/**
 * Resolves with the first message of `type` from a worker or port; rejects
 * on an 'error' message or, for a worker, an uncaught error in it.
 */
function reply(target, type) {
  return new Promise((resolve, reject) => {
    const done = () => {
      target.removeEventListener('message', listener);
      target.removeEventListener('error', failed);
    };
    const listener = ({ data }) => {
      if (data.type !== type && data.type !== 'error') return;
      done();
      if (data.type === 'error') reject(new Error(data.message));
      else resolve(data);
    };
    const failed = (e) => {
      done();
      reject(new Error(e.message ?? 'the worker failed'));
    };
    target.addEventListener('message', listener);
    target.addEventListener('error', failed);
    target.start?.(); // a MessagePort delivers to listeners only once started
  });
}

/** The 'ramp' test signal: frame k is k + 1 on the left, -(k + 1) on the right; exact in float32. */
function rampBuffer(ctx, channels, seconds) {
  const frames = Math.round(seconds * ctx.sampleRate);
  const buffer = new AudioBuffer({ length: frames, numberOfChannels: channels, sampleRate: ctx.sampleRate });
  for (let ch = 0; ch < channels; ch++) {
    const data = buffer.getChannelData(ch);
    const sign = ch === 0 ? 1 : -1;
    for (let k = 0; k < frames; k++) data[k] = sign * (k + 1);
  }
  return buffer;
}

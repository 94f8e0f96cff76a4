// What the audio threads (page, worklet processors, workers) agree on: the
// frame format in the rings and the slots of the shared counters.
//
// Rings carry interleaved float32 frames (L R L R …), written and read one
// render quantum (128 frames) at a time by the worklets. Interleaved, because
// the ring is then a plain stream of frames: the worker reads any number of
// whole frames (a byte count that is a multiple of the frame size), the WAV
// file is interleaved too, and a block is one claim, not one per channel.
// Every ring's capacity is a whole number of quanta, and the worklet side only
// ever moves whole quanta, so its claims never straddle the end of storage.

/** Frames in one render quantum of an AudioWorkletProcessor. */
export const QUANTUM_FRAMES = 128;

/** Bytes of one interleaved quantum of `channels` float32 samples. */
export const quantumBytes = (channels) => QUANTUM_FRAMES * channels * 4;

/**
 * Slots of the counters (an Int32Array over a small SharedArrayBuffer that
 * the page, both worklets and both workers hold). Writers use Atomics; the
 * page reads them every frame to show them live.
 */
export const C = {
  /** Capture worklet: quanta it was given (written or dropped). */
  CAPTURE_QUANTA: 0,
  /** Capture worklet: quanta dropped because the ring was full (overruns). */
  OVERRUNS: 1,
  /** Recorder worker: frames drained from the capture ring. */
  DRAINED_FRAMES: 2,
  /** Recorder worker: peak level since the last publish, per channel, in millionths of full scale. */
  PEAK_L: 3,
  PEAK_R: 4,
  /** Recorder worker: highest fill of the capture ring it has seen, in bytes. */
  CAPTURE_FILL_PEAK: 5,
  /** Page → recorder worker: milliseconds to stop draining (a deliberate stall). */
  DRAIN_STALL_MS: 6,
  /** Playback worklet: quanta it was asked for (played or silent). */
  PLAYBACK_QUANTA: 7,
  /** Playback worklet: quanta output as silence because the ring had less than a quantum (underruns). */
  UNDERRUNS: 8,
  /** Synth worker: frames written into the playback ring. */
  SYNTH_FRAMES: 9,
  /** Page → synth worker: milliseconds to stop producing (a deliberate stall). */
  SYNTH_STALL_MS: 10,
  /** Page → workers: nonzero asks them to stop. */
  STOP: 11,
  /** A word nobody notifies, for the workers' deliberate sleeps. */
  SLEEP: 12,
};
export const COUNTER_SLOTS = 13;

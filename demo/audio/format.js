// What the audio threads (page, worklet processors, workers) agree on: the
// frame format in the rings and the slots of the shared counters.
//
// Rings carry planar blocks of one render quantum: 128 float32 samples of
// channel 0, then 128 of channel 1, and so on. Planar, because that is how
// Web Audio hands a worklet its channels: each channel then moves with one
// TypedArray.set between the channel's array and a view of the ring's
// storage made once, a native copy with no per-sample JavaScript on the
// real-time thread. The price is paid by the workers, which are not
// real-time: they interleave for the WAV file, and read and write whole
// blocks. Every ring's capacity is a whole number of blocks and every access
// moves whole blocks, so a block never straddles the end of storage.

/** Frames in one render quantum of an AudioWorkletProcessor. */
export const QUANTUM_FRAMES = 128;

/** Bytes of one block: a quantum of `channels` float32 samples. */
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

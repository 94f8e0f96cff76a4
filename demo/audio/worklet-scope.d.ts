// The globals of an AudioWorkletGlobalScope (Web Audio API) that the demo's
// processors (capture-processor.js, playback-processor.js) use, for
// tsconfig.js.json: TypeScript's DOM lib declares the page's side only
// (AudioWorkletNode), and its worker libs do not cover worklets.

/**
 * The base class of an audio worklet processor: the AudioWorkletNode made on
 * the page with the name it was registered under constructs one on the audio
 * thread, handing it the node's options.
 * @example
 * class Gain extends AudioWorkletProcessor {
 *   process(inputs, outputs) { outputs[0][0].set(inputs[0][0]); return true; }
 * }
 */
declare class AudioWorkletProcessor {
  constructor();
  /** The processor's end of the channel whose other end is the node's `port` on the page. */
  readonly port: MessagePort;
}

/**
 * Registers a processor class under `name`, for `new AudioWorkletNode(context, name, options)`.
 * @example registerProcessor('gain', Gain);
 */
declare function registerProcessor(
  name: string,
  processorCtor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor,
): void;

// Frame formats shared by the demo's workers and its page.

/** Audio: 48 kHz, blocks of 128 float32 samples after an 8-byte header. */
export const AUDIO_RATE = 48_000;
export const AUDIO_BLOCK_SAMPLES = 128;
export const AUDIO_BLOCK_BYTES = 8 + 4 * AUDIO_BLOCK_SAMPLES;

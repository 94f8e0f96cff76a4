// Frame formats shared by the demo's workers and its page.

/** Audio: 48 kHz, blocks of 128 float32 samples after an 8-byte header. */
export const AUDIO_RATE = 48_000;
export const AUDIO_BLOCK_SAMPLES = 128;
export const AUDIO_BLOCK_BYTES = 8 + 4 * AUDIO_BLOCK_SAMPLES;

/**
 * Sensor frame, one MpscPbuf packet of 9 words:
 *   word 0  header: bits 0-1 the buffer's (valid, busy), bits 2-9 the length
 *           in words (SENSOR_LENGTH_BITS wide), bits 10+ the producer id;
 *   word 1  sequence number of this producer's frames (dropped ones count);
 *   word 2  capture time, µs since the producer started;
 *   words 3-8  accelerometer x, y, z and gyroscope x, y, z (float32).
 */
export const SENSOR_WORDS = 9;
export const SENSOR_LENGTH_BITS = 8;
export const SENSOR_ID_SHIFT = 2 + SENSOR_LENGTH_BITS;

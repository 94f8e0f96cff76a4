// The sensor frame format shared by the demo's workers and its page (the
// audio formats are in audio/format.js).

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

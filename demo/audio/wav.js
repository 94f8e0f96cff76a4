// WAV files of interleaved float32 frames (WAVE_FORMAT_IEEE_FLOAT, format 3):
// float32 keeps every captured sample exactly as the worklet saw it, and
// every common player and editor reads it.

/**
 * Encodes `frames` interleaved frames of `channels` float32 samples, taken in
 * order from `chunks` (Float32Arrays; the last may be only partly used),
 * into the bytes of a WAV file.
 */
export function encodeWav(chunks, frames, channels, sampleRate) {
  const dataBytes = frames * channels * 4;
  const out = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(out);
  const ascii = (at, s) => {
    for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true); // fmt chunk size
  v.setUint16(20, 3, true); // IEEE float
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * 4, true); // bytes per second
  v.setUint16(32, channels * 4, true); // bytes per frame
  v.setUint16(34, 32, true); // bits per sample
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  // Little-endian on every platform a browser runs on, like the WAV format.
  const samples = new Float32Array(out, 44);
  let at = 0;
  for (const chunk of chunks) {
    const n = Math.min(chunk.length, samples.length - at);
    samples.set(n === chunk.length ? chunk : chunk.subarray(0, n), at);
    at += n;
  }
  return out;
}

// Base64 to bytes, for the inlined cores: atob is missing in some scopes a
// core may load in (an AudioWorklet's), and Uint8Array.fromBase64 in older V8.

const values = new Uint8Array(128);
for (let i = 0; i < 64; i++) {
  values['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

/** Decodes standard base64 (with or without `=` padding). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--; // '='
  const out = new Uint8Array((end * 3) >> 2);
  let o = 0;
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < end; i++) {
    acc = (acc << 6) | values[text.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

// Token parsing shared by the op families (trace format, "Input").

import { TraceError } from './types.js';

/** A decimal or 0x-hex number that must be present. */
export function num(tok: string | undefined, name: string): number {
  if (tok === undefined) throw new TraceError(`missing ${name}`);
  const v = /^0x[0-9a-f]+$/i.test(tok) ? parseInt(tok.slice(2), 16) : /^\d+$/.test(tok) ? Number(tok) : NaN;
  if (!Number.isSafeInteger(v)) throw new TraceError(`${name} must be a number, got ${tok}`);
  return v;
}

/** An optional number with a default. */
export function optNum(tok: string | undefined, name: string, dflt: number): number {
  return tok === undefined ? dflt : num(tok, name);
}

/** A hex blob, or undefined for a missing blob or `-` (the default pattern). */
export function blob(tok: string | undefined): Uint8Array | undefined {
  if (tok === undefined || tok === '-') return undefined;
  if (!/^([0-9a-f]{2})+$/i.test(tok)) throw new TraceError(`blob must be hex bytes, got ${tok}`);
  const out = new Uint8Array(tok.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(tok.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lower-case hex of bytes, or `-` when there are none. */
export function hex(bytes: Uint8Array, from = 0, to = bytes.length): string {
  if (to <= from) return '-';
  let s = '';
  for (let i = from; i < to; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** A u32 as 8 hex digits. */
export function hex32(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

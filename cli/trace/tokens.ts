// Token parsing shared by the op families (trace format, "Input").

import { U32_MAX } from '../../assembly/layout.js';
import { TraceError } from './types.js';

/** A decimal or 0x-hex number that must be present. */
export function num(tok: string | undefined, name: string): number {
  if (tok === undefined) throw new TraceError(`missing ${name}`);
  const v = /^0x[0-9a-f]+$/i.test(tok) ? parseInt(tok.slice(2), 16) : /^\d+$/.test(tok) ? Number(tok) : NaN;
  if (!Number.isSafeInteger(v)) throw new TraceError(`${name} must be a number, got ${tok}`);
  return v;
}

/**
 * A number that fits in 32 bits (a count the C API takes as a uint32_t, or a
 * word). The limit is named in the token's own notation: 0xffffffff after a
 * hex token, 4294967295 after a decimal one.
 */
export function u32(tok: string | undefined, name: string): number {
  const v = num(tok, name);
  if (v > U32_MAX) {
    const limit = tok?.startsWith('0x') ? `0x${U32_MAX.toString(16)}` : String(U32_MAX);
    throw new TraceError(`${name} must be at most ${limit}, got ${tok}`);
  }
  return v;
}

/** Throws unless the line has at most `max` arguments: every op checks this first. */
export function arity(args: string[], max: number): void {
  if (args.length > max) throw new TraceError(`unexpected argument ${args[max]}`);
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

// The JavaScript engine: the TypeScript twins of every core file, gathered
// into one object with the same functions as the WebAssembly exports.

import type { Core } from '../core.js';
import type { Views } from '../views.js';
import { ringJs } from './ringbuf.js';
import { mpscJs } from './mpsc.js';
import { itemsJs } from './items.js';

/** Builds the JS twin of the core over `v` (once per memory and thread). */
export function jsCore(v: Views): Core {
  const ring = ringJs(v);
  return { ...ring, ...mpscJs(v), ...itemsJs(v, ring) };
}

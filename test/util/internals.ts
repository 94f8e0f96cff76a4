// The engine members the library marks @internal (stripped from the shipped
// types), which white-box tests reach on purpose.
import type { Core } from '../../bindings/core.js';
import type { Engine } from '../../dist/bindings/index.js';

export type { Core };

/** An engine's core and heap, as the bindings see them. */
export interface EngineInternals {
  core: Core;
  alloc(bytes: number, what: string): number;
}

/** The @internal side of `engine`. */
export function internals(engine: Engine): EngineInternals {
  return engine as unknown as EngineInternals;
}

// The contract between the trace replayer (replay.ts) and the op families
// (one file per buffer family: ring-ops.ts, item-ops.ts, mpsc-ops.ts).

import type { Engine, EngineKind } from '../../bindings/index.js';

/** A malformed or rejected line: printed as `error <line> <message>`, and the replay goes on. */
export class TraceError extends Error {}

/** What a ring-family op needs of the current buffer, byte or item mode alike. */
export interface RingLike {
  readonly engine: Engine;
  readonly address: number;
  readonly storageAddress: number;
  /** Capacity in bytes. */
  readonly capacityBytes: number;
  /** Zephyr's ring_buf_size_get / space_get, in bytes. */
  readonly sizeBytes: number;
  readonly spaceBytes: number;
  readonly isEmpty: boolean;
  reset(): void;
  internalReset(value: number): void;
}

/** State shared by the families during one replay. */
export interface TraceContext {
  /** The engine kind this replay runs on. */
  readonly kind: EngineKind;
  /** A fresh engine on a new memory, for an *_init op. */
  newEngine(): Promise<Engine>;
  /** Prints one output line. */
  print(line: string): void;
  /** The ring buffer made by the last rb_init or rb_item_init. */
  ring: RingLike | undefined;
}

/** One op: its arguments are the line's tokens after the op name. */
export type OpHandler = (args: string[]) => void | Promise<void>;

/** A family turns a context into its ops, keyed by op name. */
export type OpFamily = (ctx: TraceContext) => Record<string, OpHandler>;

// What the stream layer needs of a buffer's lifecycle (close, abort, end of
// stream: /work/helpers/lifecycle-api.md, built on every buffer class), and
// the abort codes the streams use.

import type { MpscPbuf } from '../mpsc-pbuf.js';
import type { RingBuf } from '../ringbuf.js';

/** A buffer's lifecycle as the buffer classes expose it. */
export interface Lifecycle {
  close(): void;
  abort(code: number): void;
  readonly state: 'open' | 'closed' | 'aborted';
  readonly abortCode: number;
  readonly ended: boolean;
}

/** @internal The lifecycle of `b`. */
export function life(b: RingBuf | MpscPbuf): Lifecycle {
  return b as unknown as Lifecycle;
}

/** Abort code of a stream destroyed (Node) or aborted (Web) with an error that carries no code of its own. */
export const ABORT_ERROR = 1;
/** Abort code of a stream destroyed or cancelled without an error before its end (Node's premature close). */
export const ABORT_CANCELLED = 2;

/**
 * The abort code for `reason`: its own `abortCode` when that is a valid code
 * (an integer from 1 to 2^31-1, so that an abort received from one buffer
 * can be passed on with the same code), otherwise {@link ABORT_ERROR}, or
 * {@link ABORT_CANCELLED} without a reason.
 */
export function abortCodeOf(reason: unknown): number {
  if (reason === undefined || reason === null) return ABORT_CANCELLED;
  const code = (reason as { abortCode?: unknown }).abortCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 1 && code <= 2 ** 31 - 1 ? code : ABORT_ERROR;
}

/**
 * Aborts `b` with the code for `reason` unless it has already ended or was
 * aborted (by the other side, typically: its error is what we are handling).
 */
export function abortUnlessOver(b: RingBuf | MpscPbuf, reason: unknown): void {
  const l = life(b);
  if (l.state === 'aborted' || l.ended) return;
  l.abort(abortCodeOf(reason));
}

// The abort codes the streams use, and how a stream that stops early aborts
// its buffer (the buffers' lifecycle: close, abort, ended).

import type { MpscPbuf } from '../mpsc-pbuf.js';
import type { RingBuf } from '../ringbuf.js';

/**
 * Abort code of a stream destroyed (Node) or aborted (Web) with an error that carries no code of its own.
 * @example
 * ```ts
 * input.on('error', (e) => { if (e.code === ABORT_ERROR) console.error('the writer failed'); });
 * ```
 */
export const ABORT_ERROR = 1;
/**
 * Abort code of a stream destroyed or cancelled without an error before its
 * end (Node's premature close, a break out of `for await`).
 * @example
 * ```ts
 * out.on('error', (e) => { if (e.code === ABORT_CANCELLED) stopProducing(); });   // the reader went away
 * ```
 */
export const ABORT_CANCELLED = 2;

/**
 * The abort code for `reason`: its own `abortCode` when that is a valid code
 * (an integer from 1 to 2^31-1, so that an abort received from one buffer
 * can be passed on with the same code), otherwise {@link ABORT_ERROR}, or
 * {@link ABORT_CANCELLED} without a reason or for Node's AbortError and
 * premature close (a consumer that stopped early).
 */
export function abortCodeOf(reason: unknown): number {
  if (reason === undefined || reason === null) return ABORT_CANCELLED;
  // What Node destroys a stream with when its user stops early (a break out of for await, an AbortSignal).
  const name = (reason as { name?: unknown }).name;
  const nodeCode = (reason as { code?: unknown }).code;
  if (name === 'AbortError' || nodeCode === 'ERR_STREAM_PREMATURE_CLOSE') return ABORT_CANCELLED;
  const code = (reason as { abortCode?: unknown }).abortCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 1 && code <= 2 ** 31 - 1 ? code : ABORT_ERROR;
}

/**
 * Aborts `b` with the code for `reason` unless it has already ended or was
 * aborted (by the other side, typically: its error is what we are handling).
 */
export function abortUnlessOver(b: RingBuf | MpscPbuf, reason: unknown): void {
  if (b.state === 'aborted' || b.ended) return;
  b.abort(abortCodeOf(reason));
}

// Waiting for the consumer to free space: Zephyr's binary semaphore, as the
// MP_SEM word of an MpscPbuf control block (layout.ts). Every free sets it to
// 1 and, when MP_WAITERS says someone is blocked, notifies it
// (assembly/mpsc.ts, mp_free). A waiter registers in MP_WAITERS, then takes
// the token (exchange to 0) or sleeps until the word changes. All accesses
// are sequentially consistent Atomics, which the ordering argument in mp_free
// relies on: either the waiter's exchange sees the free's 1, or the free sees
// the waiter's registration and wakes it.
//
// Unlike Zephyr, which waits the same full timeout again after every wake-up,
// the caller passes one deadline for the whole allocation, so a timed alloc
// never waits longer than asked in total.

/** How long an allocAsync without Atomics.waitAsync (or on an unshared memory) sleeps between re-checks, in ms. */
const POLL_MS = 1;

type WaitAsync = (i32: Int32Array, index: number, value: number, timeout?: number) =>
  { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

const waitAsync: WaitAsync | undefined = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

let globalMayBlock: boolean | undefined;

/**
 * Whether this thread may block in Atomics.wait: false on a browser's main
 * thread, true in workers and in Node. Tried once on `i32[probe]` (a word
 * that holds 0, so the wait returns at once) when the memory is shared, or
 * once per thread on a scratch SharedArrayBuffer; never per call.
 */
export function mayBlockHere(i32: Int32Array, probe: number): boolean {
  if (i32.buffer instanceof SharedArrayBuffer) return tryWait(i32, probe);
  if (globalMayBlock === undefined) {
    globalMayBlock = typeof SharedArrayBuffer === 'function'
      ? tryWait(new Int32Array(new SharedArrayBuffer(4)), 0)
      : typeof document === 'undefined';
  }
  return globalMayBlock;
}

function tryWait(i32: Int32Array, index: number): boolean {
  try {
    Atomics.wait(i32, index, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the semaphore's token if it is there (k_sem_take with no wait). */
function take(i32: Int32Array, sem: number): boolean {
  return Atomics.exchange(i32, sem, 0) === 1;
}

/**
 * Blocks until a free gives the semaphore or `deadline` (performance.now()
 * time, Infinity for ever) passes. True when woken (the caller re-checks the
 * space: another producer may have taken it), false on time-out.
 */
export function waitForFree(i32: Int32Array, sem: number, waiters: number, deadline: number): boolean {
  const remaining = deadline - performance.now();
  if (remaining <= 0) return false;
  Atomics.add(i32, waiters, 1);
  let woken = take(i32, sem);
  if (!woken && Atomics.wait(i32, sem, 0, remaining) !== 'timed-out') woken = true;
  Atomics.sub(i32, waiters, 1);
  if (woken) take(i32, sem);
  return woken;
}

/**
 * The asynchronous form of {@link waitForFree}, for contexts that may not
 * block: Atomics.waitAsync on a shared memory where it exists, otherwise a
 * short sleep (the consumer may run in this very thread meanwhile).
 */
export async function waitForFreeAsync(i32: Int32Array, sem: number, waiters: number, deadline: number): Promise<boolean> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) return false;
  if (waitAsync !== undefined && i32.buffer instanceof SharedArrayBuffer) {
    Atomics.add(i32, waiters, 1);
    let woken = take(i32, sem);
    if (!woken) {
      const r = waitAsync(i32, sem, 0, remaining);
      woken = (r.async ? await r.value : r.value) !== 'timed-out';
    }
    Atomics.sub(i32, waiters, 1);
    if (woken) take(i32, sem);
    return woken;
  }
  await new Promise<void>((resolve) => setTimeout(resolve, Math.min(remaining, POLL_MS)));
  return true;
}

// Runs test/workers/roles.js roles in worker_threads, all at once, with one
// time bound for the whole group: a role that throws fails the group with
// its stack, and a group still running at the bound is terminated and fails
// with a message that says which roles had not finished.
import { Worker } from 'node:worker_threads';

const script = new URL('../workers/node.js', import.meta.url);

/** Starts every role in its own thread and resolves with their results, in order. */
export function runRoles<T = Record<string, unknown>>(roles: object[], boundMs: number): Promise<T[]> {
  return startRoles<T>(roles, boundMs).done;
}

/**
 * As {@link runRoles}, and `ready` resolves once every role has attached
 * (roles that call `data.ready()`): a test may block this thread only then,
 * since a Worker may need its parent's event loop to start.
 */
export function startRoles<T = Record<string, unknown>>(
  roles: object[],
  boundMs: number,
): { ready: Promise<void>; done: Promise<T[]> } {
  const workers = roles.map((data) => new Worker(script, { workerData: data }));
  const ready = Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const onReady = (m: { ready?: boolean }) => {
            if (m.ready !== true) return;
            w.off('message', onReady);
            resolve();
          };
          w.on('message', onReady);
        }),
    ),
  ).then(() => undefined);
  return { ready, done: collect<T>(roles, workers, boundMs) };
}

async function collect<T>(roles: object[], workers: Worker[], boundMs: number): Promise<T[]> {
  const pending = new Set(roles.map((r, i) => `${i}:${(r as { role: string }).role}`));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`stress did not end within ${boundMs} ms; still running: ${[...pending].join(', ')}`)),
      boundMs,
    );
  });
  const done = workers.map(
    (w, i) =>
      new Promise<T>((resolve, reject) => {
        w.on('message', (m: { ready?: boolean; result?: T; error?: string }) => {
          if (m.ready === true) return;
          pending.delete(`${i}:${(roles[i] as { role: string }).role}`);
          if (m.error !== undefined) reject(new Error(`${(roles[i] as { role: string }).role}: ${m.error}`));
          else resolve(m.result as T);
        });
        w.once('error', reject);
        w.once('exit', (code) =>
          reject(new Error(`${(roles[i] as { role: string }).role} exited with code ${code} before reporting`)),
        );
      }),
  );
  try {
    return await Promise.race([Promise.all(done), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

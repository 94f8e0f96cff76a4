// Runs the roles of test/workers/roles.js (shared with the Node stress tests)
// in Web Workers, through workers/web.js.

/** A started role: `ready` once it has attached, `done` with its result (rejects with its error). */
export interface Started<T> {
  ready: Promise<void>;
  done: Promise<T>;
}

/** What bytesProducer and bytesConsumer return: frames and bytes moved. */
export interface StreamResult {
  frames: number;
  bytes: number;
}

/** What mpscProducer returns: its drop callbacks, and per (producer, sequence number) how often it saw a drop. */
export interface MpscProducerResult {
  dropCalls: number;
  drops: Uint8Array[];
}

/** What mpscConsumer returns: packets claimed, per (producer, sequence number) how often delivered. */
export interface MpscConsumerResult {
  packets: number;
  delivered: Uint8Array[];
  dropped: number;
}

/** Starts one role in a new Web Worker; the worker ends with the role. */
export function startRole<T = unknown>(data: Record<string, unknown>): Started<T> {
  const w = new Worker(new URL('./workers/web.js', import.meta.url), { type: 'module' });
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const done = new Promise<T>((resolve, reject) => {
    w.onmessage = ({ data: m }) => {
      if (m.ready) ready();
      else if (m.error) reject(new Error(m.error));
      else resolve(m.result);
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(data);
  });
  done.finally(() => w.terminate()).catch(() => {});
  return { ready: readyP, done };
}

/** Runs one role in a Web Worker and resolves to its result. */
export function role<T = unknown>(data: Record<string, unknown>): Promise<T> {
  return startRole<T>(data).done;
}

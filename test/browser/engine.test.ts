// The package in a real browser: how the wasm core is loaded (URL, bytes,
// Module, streaming or not), cross-origin isolation, and a buffer shared with
// a Web Worker. The page is served with COOP/COEP (vitest.config.ts).
import { describe, expect, test } from 'vitest';
import wasmUrl from '../../build/core.wasm?url';
import unsharedUrl from '../../build/core.unshared.wasm?url';
import { createEngine, RingBuf } from '../../dist/bindings/index.js';

const hello = new TextEncoder().encode('hello, browser');

/** Puts `hello` through a fresh buffer and reads it back. */
function roundTrip(rb: RingBuf): string {
  expect(rb.put(hello)).toBe(hello.length);
  const out = new Uint8Array(32);
  return new TextDecoder().decode(out.subarray(0, rb.get(out)));
}

async function bytesOf(url: string): Promise<ArrayBuffer> {
  return (await fetch(url)).arrayBuffer();
}

describe('loading the core in a browser', () => {
  test('the page is cross-origin isolated, so shared memory can be used', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  test('default: the core carried inline in the code, with nothing fetched', async () => {
    for (const shared of [false, true]) {
      const engine = await createEngine('wasm', { shared });
      expect(engine.shared).toBe(shared);
      expect(engine.module).toBeInstanceOf(WebAssembly.Module);
      expect(roundTrip(new RingBuf(engine, 64))).toBe('hello, browser');
    }
    const fetched = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
      (e) => e.initiatorType === 'fetch',
    );
    expect(fetched.map((e) => e.name)).toEqual([]);
  });

  test('from a URL string, a URL object, bytes, or a compiled Module', async () => {
    const sources = [
      wasmUrl,
      new URL(wasmUrl, location.href),
      await bytesOf(wasmUrl),
      new Uint8Array(await bytesOf(wasmUrl)),
      await WebAssembly.compile(await bytesOf(wasmUrl)),
    ];
    for (const module of sources) {
      const engine = await createEngine('wasm', { shared: true, module });
      expect(roundTrip(new RingBuf(engine, 64))).toBe('hello, browser');
    }
    const unshared = await createEngine('wasm', { module: unsharedUrl });
    expect(unshared.shared).toBe(false);
    expect(roundTrip(new RingBuf(unshared, 64))).toBe('hello, browser');
  });

  test('a response that is not application/wasm is compiled from its bytes', async () => {
    const bytes = await bytesOf(wasmUrl);
    for (const type of ['application/wasm', 'application/octet-stream']) {
      const url = URL.createObjectURL(new Blob([bytes], { type }));
      try {
        const engine = await createEngine('wasm', { shared: true, module: url });
        expect(roundTrip(new RingBuf(engine, 64))).toBe('hello, browser');
      } finally {
        URL.revokeObjectURL(url);
      }
    }
  });

  test('a missing core is an error that names the URL and the HTTP status', async () => {
    const url = new URL('/build/no-such-core.wasm', location.href);
    await expect(createEngine('wasm', { module: url })).rejects.toThrow(
      `cannot load the wasm core from ${url}: HTTP 404`,
    );
  });

  test('a buffer made by one engine is used through the other', async () => {
    const wasm = await createEngine('wasm', { shared: true });
    const js = await createEngine('js', { memory: wasm.memory });
    const a = new RingBuf(wasm, 40);
    const b = RingBuf.attach(js, a.descriptor);
    expect(a.put(hello)).toBe(hello.length);
    const out = new Uint8Array(32);
    expect(new TextDecoder().decode(out.subarray(0, b.get(out)))).toBe('hello, browser');
    expect(a.isEmpty).toBe(true);
  });
});

describe.each(['wasm', 'js'] as const)('RingBuf shared with a Web Worker (%s engine in the worker)', (kind) => {
  test('every byte arrives in order while the main thread polls without blocking', async () => {
    const engine = await createEngine('wasm', { shared: true });
    const rb = new RingBuf(engine, 4096);
    const total = 1 << 20;
    const worker = new Worker(new URL('./workers/ring-producer.js', import.meta.url), { type: 'module' });
    try {
      const finished = new Promise<{ sent: number }>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
      worker.postMessage({ kind, module: engine.module, descriptor: rb.descriptor, total });
      const out = new Uint8Array(1500);
      let got = 0;
      let wrong = -1;
      while (got < total) {
        const n = rb.get(out);
        for (let i = 0; i < n && wrong < 0; i++) if (out[i] !== ((got + i) & 255)) wrong = got + i;
        got += n;
        // The main thread may not block (Atomics.wait throws here): yield to the event loop instead.
        if (n === 0) await new Promise((r) => setTimeout(r, 0));
      }
      expect(wrong).toBe(-1);
      expect(await finished).toEqual({ sent: total });
      expect(rb.isEmpty).toBe(true);
    } finally {
      worker.terminate();
    }
  });
});

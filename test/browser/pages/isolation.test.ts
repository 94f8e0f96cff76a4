// A page served WITHOUT Cross-Origin-Opener-Policy / Cross-Origin-Embedder-Policy:
// shared memory must fail early with an error that names both headers, and
// everything that does not need sharing must still work.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { open, type Session } from './launch.js';

let s: Session;
beforeAll(async () => {
  s = await open({ isolated: false });
  await s.page.goto(`${s.url}/demo/`);
});
afterAll(() => s?.close());

test('the page is not cross-origin isolated', async () => {
  expect(await s.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
});

// Page-side code goes in as source text: vitest rewrites import() in this
// file for Node, which would not survive being sent to the page.
const inPage = (body: string) => `(async () => { const lib = await import('/dist/bindings/index.js'); ${body} })()`;

test('createEngine({ shared: true }) throws an Error naming the missing headers, on either engine', async () => {
  const messages: string[] = await s.page.evaluate(
    inPage(`
      const out = [];
      for (const kind of ['wasm', 'js']) {
        try { await lib.createEngine(kind, { shared: true }); out.push(kind + ': no error'); }
        catch (e) { out.push(e instanceof Error ? e.message : 'not an Error: ' + e); }
      }
      return out;`),
  );
  expect(messages).toHaveLength(2);
  for (const m of messages) {
    expect(m).toContain('crossOriginIsolated is false');
    expect(m).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(m).toContain('Cross-Origin-Embedder-Policy: require-corp');
  }
});

test('unshared engines still load and work there', async () => {
  const out = await s.page.evaluate(
    inPage(`
      const results = [];
      for (const kind of ['wasm', 'js']) {
        const rb = new lib.RingBuf(await lib.createEngine(kind), 16);
        rb.put(new Uint8Array([1, 2, 3]));
        const dst = new Uint8Array(8);
        results.push(Array.from(dst.subarray(0, rb.get(dst))));
      }
      return results;`),
  );
  expect(out).toEqual([
    [1, 2, 3],
    [1, 2, 3],
  ]);
});

test('the demo page shows the error instead of starting', async () => {
  await s.page.waitForSelector('#error:not([hidden])');
  expect(await s.page.textContent('#error')).toContain('Cross-Origin-Embedder-Policy: require-corp');
});

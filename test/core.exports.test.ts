// The two engines offer one Core (bindings/core.ts). The JS twin's Core is
// an object literal typed Core (bindings/js/index.ts), so tsc rejects a
// member missing or extra there, and binding each twin function checks its
// parameters against Core's. Nothing at compile time sees the wasm exports:
// this test holds them to the twin's members, names and arities, so a
// function added, renamed or changed on one side only fails here.
// The second part checks that the twin's entry points reattach the views
// themselves when an unshared memory grows, so callers never need to sync.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RB_CB_BYTES, RB_KIND_BYTES, RB_KIND_ITEMS, MP_CB_BYTES, MP_SCR_BYTES } from '../dist/assembly/layout.js';
import { type Core, internals } from './util/internals.js';
import { createEngine } from '../dist/bindings/index.js';
import { jsCore } from '../dist/bindings/js/index.js';
import { viewsOf } from '../dist/bindings/views.js';

/** Each member's arity: a wasm export's `length` is its parameter count, a bound twin function's its remaining ones. */
function arities(core: object): Record<string, number> {
  return Object.fromEntries(
    Object.entries(core).map(([name, f]) => {
      expect(typeof f, name).toBe('function');
      return [name, (f as (...args: number[]) => unknown).length];
    }),
  );
}

const twin = jsCore(viewsOf(new WebAssembly.Memory({ initial: 1 })));

describe.each([
  ['build/core.wasm', true],
  ['build/core.unshared.wasm', false],
] as const)('%s exports exactly Core', (file, shared) => {
  const module = new WebAssembly.Module(readFileSync(new URL(`../${file}`, import.meta.url)));

  it('exports only functions, one per Core member, and imports only the memory', () => {
    const exports = WebAssembly.Module.exports(module);
    expect(exports.filter((e) => e.kind !== 'function')).toEqual([]);
    expect(exports.map((e) => e.name).sort()).toEqual(Object.keys(twin).sort());
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });

  it('gives every function the arity of its twin', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    expect(arities(instance.exports)).toEqual(arities(twin));
  });
});

describe('the JS twin reattaches its views when an unshared memory grows', () => {
  /** A js engine's core, with the memory grown (views detached) before every call. */
  async function growingCore(): Promise<{ core: Core; memory: WebAssembly.Memory; at: (bytes: number) => number }> {
    const engine = await createEngine('js', { initialPages: 1 });
    const core = internals(engine).core;
    const grown = Object.fromEntries(
      Object.entries(core).map(([name, f]) => [
        name,
        (...args: number[]) => {
          engine.memory.grow(1);
          return (f as (...a: number[]) => number)(...args);
        },
      ]),
    ) as unknown as Core;
    return { core: grown, memory: engine.memory, at: (bytes) => internals(engine).alloc(bytes, 'test block') };
  }

  it('bytes', async () => {
    const { core, memory, at } = await growingCore();
    const cb = at(RB_CB_BYTES + 64);
    core.rb_init(cb, RB_KIND_BYTES, cb + RB_CB_BYTES, 64);
    const src = at(16);
    new Uint8Array(memory.buffer).set([1, 2, 3, 4, 5], src);
    expect(core.rb_put(cb, src, 5)).toBe(5);
    expect(core.rb_size(cb)).toBe(5);
    const dst = at(16);
    expect(core.rb_get(cb, dst, 16)).toBe(5);
    expect([...new Uint8Array(memory.buffer, dst, 5)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('items', async () => {
    const { core, memory, at } = await growingCore();
    const cb = at(RB_CB_BYTES + 64);
    core.rb_init(cb, RB_KIND_ITEMS, cb + RB_CB_BYTES, 64);
    const src = at(64);
    new Uint32Array(memory.buffer, src, 2).set([0xaaaa5555, 7]);
    expect(core.item_put(cb, 0x0102_0003, src)).toBe(0); // type 3, 2 words, value 1
    const dst = at(64);
    expect(core.item_get(cb, dst, 2, src)).toBe(2);
    expect([...new Uint32Array(memory.buffer, src, 1), ...new Uint32Array(memory.buffer, dst, 2)]).toEqual([
      0x0102_0003, 0xaaaa5555, 7,
    ]);
  });

  it('packets', async () => {
    const { core, memory, at } = await growingCore();
    const cb = at(MP_CB_BYTES + 64);
    const scr = at(MP_SCR_BYTES);
    core.mp_init(cb, cb + MP_CB_BYTES, 16, 0, 0xff, 0, 0);
    const off = core.mp_alloc(cb, scr, 3, 0);
    expect(off).toBe(0);
    new Uint32Array(memory.buffer, cb + MP_CB_BYTES, 3).set([3 << 2, 10, 20]);
    expect(core.mp_commit(cb, off, 0)).toBe(0);
    expect(core.mp_usage(cb)).toBe(3);
    expect(core.mp_claim(cb)).toBe(off);
    expect(core.mp_free(cb, off)).toBe(0);
    expect(core.mp_is_pending(cb)).toBe(0);
  });
});

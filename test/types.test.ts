// The shipped types as a consumer's TypeScript sees them: small projects
// that use the packed package compile with moduleResolution node16, nodenext
// and bundler, strict, skipLibCheck off, under Node's libs (es2022 and
// @types/node, no DOM) and under DOM-only libs; no @internal member is
// visible (each use below is a @ts-expect-error, which fails when unused).
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshProject, pack, repoRoot, tempDir, unpackInto } from './util/pack.js';

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
// The projects live outside the repository (vitest would see their tsconfig
// files change and reload); @types/node comes from the repository's node_modules.
const typeRoots = [join(repoRoot, 'node_modules', '@types')];
let base: string;
let tarball: string;

beforeAll(() => {
  base = tempDir('wrb-consumers-');
  tarball = pack(base).tarball;
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const quickStart = `import { BufferFreedError, createEngine, Engine, ItemRingBuf, MpscPbuf, RingBuf, canBlock } from 'wasm-ringbuf';
import type { BufferDescriptor, EngineOptions } from 'wasm-ringbuf';

const options: EngineOptions = { shared: true, initialPages: 1 };
const engine: Engine = await createEngine('wasm', options);
const rb = new RingBuf(engine, 4096);
const n: number = rb.put(new TextEncoder().encode('hello'));
const out = new Uint8Array(16);
rb.get(out);
const granted = rb.putClaim(64);
rb.storage.fill(0xab, rb.putOffset, rb.putOffset + granted);
rb.putFinish(granted);
const d: BufferDescriptor = rb.descriptor;
const twin = await createEngine('js', { memory: d.memory, module: engine.module });
RingBuf.attach(twin, d).waitForData(0);
const items = new ItemRingBuf(engine, 64);
items.put(7, 1, new Uint32Array([1, 2]));
const pb = new MpscPbuf(engine, 64, { overwrite: true, onDrop: (p: number) => void p });
const p = pb.alloc(2);
if (p !== null) pb.commit(p);
items.release();
const again = await createEngine('js', { memory: d.memory, claim: false });
const generation: number = RingBuf.attach(again, d).descriptor.generation;
export const result = [n, canBlock(), items.itemWords, engine.shared, generation, BufferFreedError.name];

// No @internal member may be visible:
// @ts-expect-error engine.core is internal
engine.core;
// @ts-expect-error engine.views is internal
engine.views;
// @ts-expect-error engine.alloc is internal
engine.alloc(64, 'x');
// @ts-expect-error the constructor is private: use createEngine
new Engine('wasm', engine.memory, undefined, undefined);
// @ts-expect-error the attaching constructor (address) is internal
new RingBuf(engine, 64, 0);
// @ts-expect-error the attaching constructor (address) is internal
new ItemRingBuf(engine, 64, 0);
// @ts-expect-error the attaching constructor (address) is internal
new MpscPbuf(engine, 64, {}, 0);
`;

const setups = {
  'node16, es2022 + @types/node': { module: 'node16', moduleResolution: 'node16', lib: ['es2022'], types: ['node'] },
  'nodenext, es2022 + @types/node': {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    lib: ['es2022'],
    types: ['node'],
  },
  'bundler, DOM only': { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] },
  'nodenext, DOM + @types/node': {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    lib: ['es2022', 'dom'],
    types: ['node'],
  },
};

test.each(Object.entries(setups))(
  'a consumer project (%s) compiles, strict, skipLibCheck off',
  async (name, options) => {
    const dir = freshProject(join(base, name.replace(/\W+/g, '-')));
    unpackInto(tarball, dir);
    writeFileSync(join(dir, 'index.ts'), quickStart);
    // skipDefaultLibCheck: TypeScript's own lib files are not ours to check (and take most of the time).
    const compilerOptions = {
      ...options,
      typeRoots,
      target: 'es2022',
      strict: true,
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      noEmit: true,
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2));
    const output = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' }).then(
      (r) => r.stdout,
      (e: { stdout?: string }) => String(e.stdout ?? e),
    );
    expect(output).toBe('');
  },
);

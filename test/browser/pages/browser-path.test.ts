// The package's browser path: nothing in the shipped bindings may import a
// Node built-in or use Node globals literally, or bundlers for the web fail
// (or polyfill). The one Node-only read (file: URLs) hides its specifier in a
// variable that browsers never reach.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const dist = fileURLToPath(new URL('../../../dist/bindings/', import.meta.url));
const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));

test('the bindings are there to check', () => {
  expect(files).toContain('index.js');
  expect(files).toContain('engine.js');
});

test.each(files)('dist/bindings/%s names no Node built-in and no Node global', (file) => {
  const code = readFileSync(join(dist, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  expect(code).not.toMatch(/(?:from\s*|import\s*\(\s*)['"](?:node:[\w/]+|fs|path|url|worker_threads)['"/]/);
  expect(code).not.toMatch(/\brequire\s*\(|\bprocess\.|\bBuffer\.|__dirname|__filename/);
});

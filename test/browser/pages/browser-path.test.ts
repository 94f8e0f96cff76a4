// The package's browser path: nothing that its browser entries ('.' and
// './web' in package.json's exports) load may import a Node built-in or use
// Node globals literally, or bundlers for the web fail (or polyfill). The one
// Node-only read (file: URLs) hides its specifier in a variable that browsers
// never reach. The './node' entry (Node streams) is Node's own and not checked.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = join(root, 'dist/bindings');
const NODE_ONLY_ENTRIES = ['./node'];

/** Source without comments, so that a specifier in a comment counts for nothing. */
const code = (file: string) => readFileSync(join(dist, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

/** The package's JavaScript entries for browsers, relative to dist/bindings. */
function browserEntries(): string[] {
  const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { default: string }>;
  };
  return Object.entries(exports)
    .filter(([name]) => !NODE_ONLY_ENTRIES.includes(name))
    .map(([, target]) => (typeof target === 'string' ? target : target.default))
    .filter((target) => target.endsWith('.js'))
    .map((target) => relative(dist, join(root, target)));
}

/** Every module the entries import, statically and with a literal dynamic import, transitively. */
function reachable(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of code(file).matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      visit(normalize(join(dirname(file), spec)));
    }
  };
  for (const e of entries) visit(e);
  return [...seen].sort();
}

const files = reachable(browserEntries());

test('the browser entries and what they load are there to check, and the Node streams are not among them', () => {
  expect(files).toContain('index.js');
  expect(files).toContain('engine.js');
  expect(files).toContain('streams/web.js');
  expect(files).not.toContain('streams/node.js');
});

test.each(files)('dist/bindings/%s names no Node built-in and no Node global', (file) => {
  const source = code(file);
  expect(source).not.toMatch(/(?:from\s*|import\s*\(\s*)['"](?:node:[\w/]+|fs|path|url|worker_threads)['"/]/);
  expect(source).not.toMatch(/\brequire\s*\(|\bprocess\.|\bBuffer\.|__dirname|__filename/);
});

// Builds the browser bench for demo/server.js, in memory, with esbuild (a
// dev dependency, loaded only when the bench page is asked for): the page's
// script, the measuring Worker and the cross-thread consumer Worker, with the
// bench's case files, their peers (ringbuf.js, denque, mnemonist: npm
// packages, some CommonJS) and the package's dist/ bundled in. A bundle,
// because module Workers get no import map to resolve those bare names.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OUT = '/bench-bundle';

/** The bundle's entry points: the output file name (without .js) and its source. */
const ENTRIES = {
  main: 'demo/bench/main.js',
  worker: 'bench/browser/worker.js',
  'xthread.worker': 'bench/browser/cases/xthread.worker.js',
};

/**
 * Builds every entry (with shared chunks) and resolves to a Map from file
 * name (`main.js`, `worker.js`, `chunk-….js`) to its text.
 * @example const files = await buildBenchBundle(); files.get('main.js');
 */
export async function buildBenchBundle() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, `./${src}`])),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: OUT,
    chunkNames: 'chunk-[hash]',
    write: false,
    logLevel: 'silent',
    // The cases read WRB_BENCH_MEMORY from Node's environment; in a browser
    // loadCases (families.js) sets it on the global before they load.
    define: { 'process.env.WRB_BENCH_MEMORY': 'globalThis.WRB_BENCH_MEMORY' },
  });
  return new Map(result.outputFiles.map((f) => [f.path.slice(OUT.length + 1), f.text]));
}

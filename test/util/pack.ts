// The package as npm publishes it: `npm pack` of the built tree (its
// `prepare` build is skipped: `npm test` has just built it), and a fresh
// project with that tarball unpacked where `npm install` would put it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `npm pack` into `dir`; returns the tarball's path and the files it holds. */
export function pack(dir: string): { tarball: string; files: string[] } {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(dir, info.filename), files: info.files.map((f) => f.path) };
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Makes `dir` a project that uses the package: a package.json, ESM unless `type` says 'commonjs'. */
export function freshProject(dir: string, type: 'module' | 'commonjs' = 'module'): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type }, null, 2));
  return dir;
}

/** Unpacks the tarball into `project`/node_modules/wasm-ringbuf (the package has no dependencies). */
export function unpackInto(tarball: string, project: string): void {
  const into = join(project, 'node_modules', 'wasm-ringbuf');
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', into, '--strip-components=1']);
}

// The Chromium that comes with `npm install`: @sparticuz/chromium ships a
// headless Chromium inside the package as brotli files (the browser, its
// SwiftShader libraries, fonts, and the libnss3/libnspr4/libexpat1 it links
// against, from Amazon Linux 2023). This unpacks them once into
// node_modules/.cache, so a machine with no browser and no root can run the
// browser tests. Its own launch helper is not used: its default flags include
// --disable-web-security, which makes crossOriginIsolated false.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The installed @sparticuz/chromium folder, or undefined when it is not installed. */
function packageDir() {
  try {
    // Its exports map has only ".", so resolve that and walk up to the package root.
    let dir = dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium'));
    while (
      !existsSync(join(dir, 'package.json')) ||
      !readFileSync(join(dir, 'package.json'), 'utf8').includes('"@sparticuz/chromium"')
    ) {
      const up = dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
    return dir;
  } catch {
    return undefined;
  }
}

function untar(bytes, into) {
  mkdirSync(into, { recursive: true });
  const r = spawnSync('tar', ['-x', '-C', into], { input: bytes });
  if (r.status !== 0) throw new Error(`tar failed unpacking into ${into}: ${r.error ?? r.stderr}`);
}

/**
 * Unpacks the npm Chromium (once; later calls find it in place) and returns
 * its executable and the environment it needs, or undefined when
 * @sparticuz/chromium is not installed.
 * @returns {{ path: string, env: Record<string, string> } | undefined}
 */
export function npmChromium() {
  const pkg = packageDir();
  if (pkg === undefined) return undefined;
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const dir = join(root, 'node_modules', '.cache', 'wasm-ringbuf', `chromium-${version}`);
  const env = { LD_LIBRARY_PATH: join(dir, 'lib'), FONTCONFIG_PATH: join(dir, 'fonts') };
  const path = join(dir, 'chromium');
  if (existsSync(path)) return { path, env };

  // Unpacked beside the final folder, then renamed: parallel test processes never see half a browser.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const bin = join(pkg, 'bin');
  const inflate = (name) => brotliDecompressSync(readFileSync(join(bin, name)));
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'chromium'), inflate('chromium.br'));
  chmodSync(join(tmp, 'chromium'), 0o755);
  untar(inflate('swiftshader.tar.br'), tmp); // libEGL/libGLESv2, beside the executable
  untar(inflate('al2023.tar.br'), tmp); // lib/: libnss3, libnspr4, libexpat and friends
  untar(inflate('fonts.tar.br'), join(tmp, 'fonts')); // Open Sans, and a fonts.conf that names /tmp/fonts
  writeFileSync(
    join(tmp, 'fonts', 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${join(dir, 'fonts', 'fonts')}</dir>` +
      `<cachedir>${join(dir, 'fonts', 'cache')}</cachedir></fontconfig>\n`,
  );
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(path)) throw e;
  }
  return { path, env };
}

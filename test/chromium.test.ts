// Which Chromium the browser tests and the demo use (demo/chromium.js):
// CHROMIUM_PATH, then a system browser, then the one npm installed; and the
// npm one starts with the libraries it carries.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';

const chooser = new URL('../demo/chromium.js', import.meta.url).href;

function choose(env: Record<string, string | undefined>): {
  source: string;
  path: string;
  env: Record<string, string>;
} {
  const script = `const m = await import(${JSON.stringify(chooser)});
    console.log(JSON.stringify({ source: m.chromiumSource, path: m.chromiumPath, env: m.chromiumEnv }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, CHROMIUM_PATH: undefined, WRB_CHROMIUM: undefined, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

test('CHROMIUM_PATH wins', () => {
  expect(choose({ CHROMIUM_PATH: '/opt/my/chrome' })).toMatchObject({
    source: 'CHROMIUM_PATH',
    path: '/opt/my/chrome',
  });
});

test('without CHROMIUM_PATH, a system Chromium if there is one, else the npm one', () => {
  const c = choose({});
  expect(['system', 'npm']).toContain(c.source);
  expect(existsSync(c.path)).toBe(true);
  if (existsSync('/usr/bin/chromium')) expect(c).toMatchObject({ source: 'system', path: '/usr/bin/chromium' });
});

test('WRB_CHROMIUM=npm: the Chromium from @sparticuz/chromium, which starts with its own libraries', () => {
  const c = choose({ WRB_CHROMIUM: 'npm', CHROMIUM_PATH: '/opt/my/chrome' });
  expect(c.source).toBe('npm');
  expect(c.path).toMatch(/node_modules\/\.cache\/wasm-ringbuf\/chromium-[\d.]+\/chromium$/);
  expect(existsSync(`${c.env.LD_LIBRARY_PATH}/libnss3.so`)).toBe(true);
  const version = execFileSync(c.path, ['--version'], { env: c.env, encoding: 'utf8' });
  expect(version).toMatch(/^Chromium \d+\./);
});

#!/usr/bin/env node
// Fails the build when a release core holds static data, a global or a start
// function. Several instances in several threads share one memory: an active
// data segment would be re-applied by every instantiation, and a global would
// be private to each instance, so the core must keep all state at addresses
// the host passes in (CONTRIBUTING.md, architecture rule 1; docs/design.md §1).
import { readFileSync } from 'node:fs';

const forbidden = [
  [/^\s*\(data\b/m, 'a data segment (static data)'],
  [/^\s*\(global\b/m, 'a global'],
  [/^\s*\(start\b/m, 'a start function'],
  [/^\s*\(import\s+"env"\s+"abort"/m, 'an abort import (assertions or bounds checks)'],
];

let failed = false;
for (const file of process.argv.slice(2)) {
  const wat = readFileSync(file, 'utf8');
  for (const [re, what] of forbidden) {
    const m = wat.match(re);
    if (m) {
      const line = wat.slice(0, m.index).split('\n').length;
      console.error(`${file}:${line}: the core must be stateless but it has ${what}`);
      failed = true;
    }
  }
}
if (failed) process.exit(1);

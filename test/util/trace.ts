// Helpers for the trace fixtures (test/fixtures/*.txt and their Zephyr
// outputs *.out): reading them, the normalisation of docs/trace-format.md, and
// splitting a script into its `echo`-titled sections.

import { readFileSync } from 'node:fs';

/** The text of `test/fixtures/<name>`. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/**
 * The lines two outputs are compared on: `rb_state` and `mp_state` lines are
 * internal and dropped, as is the `flags=` field of `mp_init`.
 */
export function normalise(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !/^(rb_state|mp_state)\b/.test(l))
    .map((l) => (l.startsWith('mp_init ') ? l.replace(/ flags=\S*/, '') : l));
}

/** One part of a fixture: from an `echo` line to the next. */
export interface Section {
  /** The echoed text, as the replayer prints it. */
  title: string;
  /** The script lines of this section, its echo line included. */
  script: string;
  /** The expected output, its echoed title included. */
  expected: string;
  /** Every op name the section uses. */
  ops: Set<string>;
}

/** A script line without its comment, or '' for a blank or comment-only line. */
function code(line: string): string {
  return line.replace(/#.*/, '').trim();
}

/**
 * Splits a script and its expected output at the script's `echo` lines
 * (which the output repeats), so that parts can be replayed on their own.
 * Lines before the first echo, if any, form a section titled ''.
 */
export function sections(script: string, out: string): Section[] {
  const result: Section[] = [];
  const outLines = out.split('\n');
  let at = 0; // next output line to consider
  let current: Section | undefined;
  let scriptLines: string[] = [];
  const close = (end: number): void => {
    if (current === undefined) return;
    current.script = `${scriptLines.join('\n')}\n`;
    current.expected = `${outLines.slice(at, end).join('\n')}\n`;
    result.push(current);
    at = end;
  };
  for (const line of script.split('\n')) {
    const c = code(line);
    if (c.startsWith('echo') && /^echo(\s|$)/.test(c)) {
      const title = c.slice(4).trim();
      const end = outLines.indexOf(title, at);
      if (end < 0) throw new Error(`the output never echoes "${title}"`);
      if (current === undefined && end > at)
        throw new Error('output lines before the first echo of a script that starts with one');
      close(end);
      current = { title, script: '', expected: '', ops: new Set() };
      scriptLines = [];
    } else if (c !== '') {
      current ??= { title: '', script: '', expected: '', ops: new Set() };
      current.ops.add(c.split(/\s+/)[0]);
    }
    scriptLines.push(line);
  }
  close(outLines.length);
  return result;
}

/** The sections whose ops are all in `known` (what the replayer can already run). */
export function replayable(all: Section[], known: Iterable<string>): Section[] {
  const set = new Set(known);
  return all.filter((s) => [...s.ops].every((op) => set.has(op)));
}

/** Joins sections back into one script and one expected output (their state carries over, as in the fixture). */
export function join(parts: Section[]): { script: string; expected: string } {
  return {
    script: parts.map((s) => s.script).join(''),
    expected: parts.map((s) => s.expected).join(''),
  };
}

// The trace replayer: reads a script in the format of
// docs/trace-format.md and returns what it prints, one result line
// per operation. The ops come from the families below; adding a buffer
// family is one line in `families`.

import { createEngine, type Engine, type EngineKind } from '../../bindings/index.js';
import { ringOps } from './ring-ops.js';
import { itemOps } from './item-ops.js';
import { mpscOps } from './mpsc-ops.js';
import { TraceError, type OpFamily, type OpHandler, type TraceContext } from './types.js';

/** Every op family the replayer speaks, in registration order. */
const families: OpFamily[] = [ringOps, itemOps, mpscOps];

/** A fresh context that prints into `lines`. */
function newContext(kind: EngineKind, lines: string[]): TraceContext {
  return {
    kind,
    newEngine: (): Promise<Engine> => createEngine(kind),
    print: (line) => {
      lines.push(line);
    },
    ring: undefined,
  };
}

/** The ops of every family, bound to `ctx`; a name defined twice is a bug in the families. */
function opsFor(ctx: TraceContext): Map<string, OpHandler> {
  const ops = new Map<string, OpHandler>();
  for (const family of families) {
    for (const [name, handler] of Object.entries(family(ctx))) {
      if (ops.has(name) || name === 'echo') throw new Error(`trace op ${name} is defined twice`);
      ops.set(name, handler);
    }
  }
  return ops;
}

/**
 * The names of every op the replayer knows, `echo` included, so that tests
 * can tell which fixture sections it can already replay.
 * @example
 * ```ts
 * knownOps().includes('put_claim');   // true
 * ```
 */
export function knownOps(): string[] {
  return ['echo', ...opsFor(newContext('js', [])).keys()];
}

/**
 * Replays `script` on a fresh buffer of engine `kind` and returns the output,
 * one line per operation, each ending in a newline. A malformed line, an
 * unknown op or an op the API rejects by throwing prints
 * `error <line number> <reason>`, and the replay goes on.
 * @example
 * ```ts
 * await replay('rb_init 8\nput 3 aabbcc\nget 8\n', 'js');
 * // 'rb_init size=8\nput 3\nget 3 aabbcc\n'
 * ```
 */
export async function replay(script: string, kind: EngineKind): Promise<string> {
  const lines: string[] = [];
  const ctx = newContext(kind, lines);
  const ops = opsFor(ctx);
  const source = script.split(/\r?\n/);
  for (let i = 0; i < source.length; i++) {
    const text = source[i].replace(/#.*/, '').trim();
    if (text === '') continue;
    const [op, ...args] = text.split(/\s+/);
    if (op === 'echo') {
      lines.push(text.slice(4).trim());
      continue;
    }
    try {
      const handler = ops.get(op);
      if (handler === undefined) throw new TraceError(`unknown op ${op}`);
      await handler(args);
    } catch (e) {
      // TypeError and RangeError are the API rejecting the call; anything
      // else is a bug in the replayer or the library and must not be hidden.
      if (!(e instanceof TraceError || e instanceof TypeError || e instanceof RangeError)) throw e;
      lines.push(`error ${i + 1} ${e.message}`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}

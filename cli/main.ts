// The command line: `wasm-ringbuf trace [--engine wasm|js] < script`.
// bin/wasm-ringbuf.js imports this file and calls main().

import type { EngineKind } from '../bindings/index.js';
import { replay } from './trace/replay.js';

/**
 * The text `--help` prints.
 * @example
 * ```ts
 * console.log(usage);
 * ```
 */
export const usage = `Usage: wasm-ringbuf trace [--engine wasm|js] < script.txt

Replays a trace script read from standard input against the buffers of one
engine and prints one result line per operation on standard output (the
format of docs/trace-format.md, in the package: node_modules/wasm-ringbuf/).
A malformed line, an unknown op or a call the API rejects prints
"error <line> <reason>", and the replay goes on.

Options:
  --engine wasm|js   the core to run: WebAssembly (default) or its TypeScript twin
  -h, --help         print this help and exit
`;

/**
 * Where main() reads and writes; the process's streams by default.
 * @example
 * ```ts
 * let out = '';
 * await main(['trace'], { stdin: ['rb_init 4\n'], stdout: (t) => { out += t; }, stderr: console.error });
 * ```
 */
export interface Io {
  stdin: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdin: process.stdin,
  stdout: (t) => {
    process.stdout.write(t);
  },
  stderr: (t) => {
    process.stderr.write(t);
  },
};

async function readAll(input: Io['stdin']): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** A usage error: the message, a pointer to --help, and exit code 2. */
function fail(io: Io, message: string): number {
  io.stderr(`wasm-ringbuf: ${message}\nTry 'wasm-ringbuf --help'.\n`);
  return 2;
}

/**
 * Runs the command line `args` (without node and the script) and returns the
 * exit code: 0 after a replay or --help, 2 for a usage error.
 * @example
 * ```ts
 * process.exitCode = await main(['trace', '--engine', 'js']);
 * ```
 */
export async function main(args: string[], io: Io = processIo): Promise<number> {
  let command: string | undefined;
  let kind: EngineKind = 'wasm';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') {
      io.stdout(usage);
      return 0;
    }
    if (a === '--engine' || a.startsWith('--engine=')) {
      const value = a === '--engine' ? args[++i] : a.slice('--engine='.length);
      if (value !== 'wasm' && value !== 'js') return fail(io, `--engine must be wasm or js, got ${value ?? 'nothing'}`);
      kind = value;
    } else if (a.startsWith('-')) {
      return fail(io, `unknown option ${a}`);
    } else if (command === undefined) {
      command = a;
    } else {
      return fail(io, `unexpected argument ${a}`);
    }
  }
  if (command !== 'trace')
    return fail(io, command === undefined ? 'missing command (trace)' : `unknown command ${command}`);
  io.stdout(await replay(await readAll(io.stdin), kind));
  return 0;
}

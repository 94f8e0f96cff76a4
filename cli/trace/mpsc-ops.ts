// Packet-buffer operations of the trace format (docs/trace-format.md,
// "Packet buffer operations"), through MpscPbuf's public API.
//
// The trace's packets: header `valid:1 busy:1 len:9 tag:21`, so the buffer is
// made with lengthBits 9 and the tag bits above are the trace's own; payload
// word j holds tag*1000 + j. Drop notifications are collected during an op
// and printed after its line, as the format asks.

import { MpscPbuf } from '../../bindings/index.js';
import { arity, hex32, num, optNum } from './tokens.js';
import { TraceError, type OpFamily } from './types.js';

/** put_word_ext's length on wasm32: one header word plus one 32-bit pointer. */
const EXT_LEN = 2;
const LEN_BITS = 9;
const TAG_SHIFT = 2 + LEN_BITS;
const LEN_MASK = (1 << LEN_BITS) - 1;

const header = (valid: number, len: number, tag: number): number => (valid | (len << 2) | (tag << TAG_SHIFT)) >>> 0;

/** The packet-buffer ops; see docs/trace-format.md. */
export const mpscOps: OpFamily = (ctx) => {
  let pb: MpscPbuf | undefined;
  let lastClaim: number | undefined;
  const drops: string[] = [];

  /** The packet buffer made by the last mp_init. */
  function buf(): MpscPbuf {
    if (pb === undefined) throw new TraceError('no packet buffer: mp_init first');
    return pb;
  }

  function onDrop(off: number): void {
    const h = buf().words[off];
    drops.push(
      `drop off=${off} len=${(h >>> 2) & LEN_MASK} tag=${h >>> TAG_SHIFT} valid=${h & 1} busy=${(h >>> 1) & 1}`,
    );
  }

  /** Prints the op's line, then the drops it caused. */
  function out(line: string): void {
    ctx.print(line);
    for (const d of drops) ctx.print(d);
    drops.length = 0;
  }

  /** Runs `f` and prints its line and drops; a rejected call changed nothing, so it leaves no drops behind. */
  function op(f: () => string): void {
    let line: string;
    try {
      line = f();
    } catch (e) {
      drops.length = 0;
      throw e;
    }
    out(line);
  }

  function timeoutOf(tok: string | undefined): number {
    if (tok === undefined || tok === 'nowait') return 0;
    if (tok === 'forever') return Infinity;
    return num(tok, 'timeout');
  }

  return {
    async mp_init(args) {
      arity(args, 4);
      const size = num(args[0], 'words');
      const flags = new Set(args.slice(1));
      for (const f of flags) {
        if (f !== 'overwrite' && f !== 'maxutil' && f !== 'nodrop_cb')
          throw new TraceError(`unknown mp_init flag ${f}`);
      }
      const engine = await ctx.newEngine();
      pb = new MpscPbuf(engine, size, {
        overwrite: flags.has('overwrite'),
        maxUtilization: flags.has('maxutil'),
        lengthBits: LEN_BITS,
        onDrop: flags.has('nodrop_cb') ? undefined : onDrop,
      });
      lastClaim = undefined;
      out(`mp_init size=${size} flags=0x${pb.inspect().flags.toString(16)} ext_len=${EXT_LEN}`);
    },

    alloc(args) {
      arity(args, 3);
      const p = buf();
      const wlen = num(args[0], 'wlen');
      const timeout = timeoutOf(args[1]);
      const tag = optNum(args[2], 'tag', 0);
      op(() => {
        const off = p.alloc(wlen, timeout);
        if (off === null) return 'alloc NULL';
        const w = p.words;
        w[off] = (w[off] & 3) | header(0, wlen, tag);
        for (let j = 1; j < wlen; j++) w[off + j] = tag * 1000 + j;
        return `alloc off=${off}`;
      });
    },

    set_len(args) {
      arity(args, 2);
      const p = buf();
      const off = num(args[0], 'off');
      const len = num(args[1], 'len');
      if (off >= p.size) throw new TraceError(`off must be below ${p.size}`);
      if (len > LEN_MASK) throw new TraceError(`len must be at most ${LEN_MASK}`);
      const w = p.words;
      w[off] = (w[off] & ~(LEN_MASK << 2)) | (len << 2);
      out('set_len');
    },

    commit(args) {
      arity(args, 1);
      const p = buf();
      const off = num(args[0], 'off');
      op(() => {
        p.commit(off);
        return 'commit';
      });
    },

    claim(args) {
      arity(args, 0);
      const p = buf();
      const off = p.claim();
      if (off === null) {
        out('claim NULL');
        return;
      }
      lastClaim = off;
      const w = p.words;
      const h = w[off];
      const len = (h >>> 2) & LEN_MASK;
      const tag = h >>> TAG_SHIFT;
      let pay = len > 1 ? 'ok' : '-';
      for (let j = 1; j < len; j++) if (w[off + j] !== tag * 1000 + j) pay = 'other';
      const w1 = len === EXT_LEN ? ` w1=${hex32(w[off + 1])}` : '';
      out(`claim off=${off} len=${len} tag=${tag}${w1} pay=${pay}`);
    },

    free(args) {
      arity(args, 1);
      const p = buf();
      const off = args[0] !== undefined ? num(args[0], 'off') : lastClaim;
      if (off === undefined) throw new TraceError('free: no packet claimed');
      p.free(off);
      if (off === lastClaim) lastClaim = undefined;
      out('free');
    },

    put_word(args) {
      arity(args, 1);
      const p = buf();
      const tag = num(args[0], 'tag');
      op(() => {
        p.putWord(header(1, 1, tag));
        return 'put_word';
      });
    },

    put_word_raw(args) {
      arity(args, 1);
      const p = buf();
      const word = num(args[0], 'u32');
      op(() => {
        p.putWord(word);
        return 'put_word_raw';
      });
    },

    put_word_ext(args) {
      arity(args, 2);
      const p = buf();
      const tag = num(args[0], 'tag');
      const ext = num(args[1], 'u32');
      op(() => {
        p.putWordExt(header(1, EXT_LEN, tag), ext);
        return 'put_word_ext';
      });
    },

    put_data(args) {
      arity(args, 2);
      const p = buf();
      const wlen = num(args[0], 'wlen');
      const tag = num(args[1], 'tag');
      const data = new Uint32Array(wlen);
      if (wlen > 0) data[0] = header(1, wlen, tag);
      for (let j = 1; j < wlen; j++) data[j] = tag * 1000 + j;
      op(() => {
        p.putData(data);
        return 'put_data';
      });
    },

    pending(args) {
      arity(args, 0);
      out(`pending ${buf().isPending ? 1 : 0}`);
    },

    util(args) {
      arity(args, 0);
      const p = buf();
      out(`util size=${p.capacityBytes} now=${p.utilization}`);
    },

    maxutil(args) {
      arity(args, 0);
      const max = buf().maxUtilization;
      out(max === undefined ? 'maxutil -95' : `maxutil 0 max=${max}`);
    },

    mp_state(args) {
      arity(args, 0);
      const s = buf().inspect();
      out(`mp_state wr=${s.wr} tmp_wr=${s.tmpWr} rd=${s.rd} tmp_rd=${s.tmpRd} flags=0x${s.flags.toString(16)}`);
    },

    mp_mem(args) {
      arity(args, 2);
      const p = buf();
      const off = num(args[0], 'off');
      const n = optNum(args[1], 'n', 1);
      if (off + n > p.size) throw new TraceError(`off + n must be at most ${p.size}`);
      const w = p.words;
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(hex32(w[off + i]));
      out(`mp_mem ${parts.join(' ')}`);
    },
  };
};

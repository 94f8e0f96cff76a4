// The README's runtimes report (bench/report/families.js): ratios taken only
// within one runtime, the right peer, families, and Zephyr's native figures
// matched to the machine model.
import { describe, expect, it } from 'vitest';
import { caseRatios, familyOf, familyRatios, geomean } from '../bench/report/families.js';
import { renderChart } from '../bench/report/chart.js';
import { joinRuns, renderTable, runtimeLabels, unavailableLines } from '../bench/report/table.js';

const rec = (runtime: string, c: string, impl: string, median: number) => ({ runtime, case: c, impl, median });

describe('bench report: runtimes × families', () => {
  it('groups cases into the lead table’s families', () => {
    expect(familyOf('bytes.copy.16')).toBe('bytes.copy');
    expect(familyOf('bytes.claimonly.16')).toBe('bytes.claimonly');
    expect(familyOf('items.32')).toBe('items');
    expect(familyOf('items.mem.4')).toBe('items');
    expect(familyOf('items.batch.mem.4')).toBe('items.batch');
    expect(familyOf('mpsc.roundtrip.2')).toBe('mpsc');
    expect(familyOf('xthread.handoff')).toBe('xthread');
  });

  it('takes wasm ÷ js and ours ÷ fastest peer within each runtime, and ours ÷ C for the same machine model', () => {
    const run = {
      cpu: 'AMD EPYC',
      records: [
        rec('node24', 'bytes.copy.16', 'wasm', 50),
        rec('node24', 'bytes.copy.16', 'js', 100),
        rec('node24', 'bytes.copy.16', 'typedarray-set', 25),
        rec('node24', 'bytes.copy.16', 'ringbuf.js', 75),
        rec('bun', 'bytes.copy.16', 'wasm', 200),
        rec('bun', 'bytes.copy.16', 'js', 100),
        rec('bun', 'bytes.copy.16', 'ringbuf.js', 400),
        rec('bun', 'xthread.handoff', 'atomics', 500),
      ],
    };
    const by = caseRatios(run);
    const n = by.get('node24').get('bytes.copy.16');
    expect(n.wasmOverJs).toBe(2);
    expect(n.peer.impl).toBe('typedarray-set');
    expect(n.oursOverPeer).toBe(0.5);
    // AMD EPYC: 73.4 M put+get/s natively, 13.62 ns.
    expect(n.nativeNs).toBe(13.62);
    expect(n.oursOverNative).toBeCloseTo(13.62 / 50, 10);
    const b = by.get('bun').get('bytes.copy.16');
    expect(b.wasmOverJs).toBe(0.5);
    expect(b.best.impl).toBe('js');
    expect(b.oursOverPeer).toBe(4);
    // The hand-off floor is no peer, and has none of ours.
    const h = by.get('bun').get('xthread.handoff');
    expect([h.peer, h.wasmOverJs, h.oursOverPeer]).toEqual([null, null, null]);
    const fams = familyRatios(by);
    expect(fams.get('node24').get('bytes.copy')).toMatchObject({ wasmOverJs: 2, oursOverPeer: 0.5, cases: 1 });
  });

  it('has no native figure for another machine model', () => {
    const by = caseRatios({ cpu: 'Some Other CPU', records: [rec('node', 'items.0', 'wasm', 40)] });
    expect(by.get('node').get('items.0').oursOverNative).toBeNull();
  });

  it('joins a browser page’s export to a multi-runtime run: its records tagged with its runtime, ratios kept per runtime', () => {
    const node = {
      cpu: 'AMD EPYC',
      runtimes: { node24: { name: 'node', version: '24.22.3', engine: 'V8 13.6' } },
      records: [rec('node24', 'items.0', 'wasm', 40), rec('node24', 'items.0', 'js', 80)],
      warnings: [],
    };
    const page = {
      runtime: 'chromium',
      browser: 'Chromium 150.0.7871.100',
      v8: '15.0',
      memory: 'unshared',
      mode: 'quick',
      date: '2026-12-03T04:19:42.430Z',
      records: [
        { case: 'items.0', impl: 'wasm', median: 60 },
        { case: 'items.0', impl: 'js', median: 30 },
      ],
      warnings: ['the machine was loaded'],
    };
    const run = joinRuns([node, page]);
    expect(run.records.filter((r: { runtime: string }) => r.runtime === 'chromium')).toHaveLength(2);
    expect(run.warnings).toEqual(['chromium: the machine was loaded']);
    expect(runtimeLabels(run).map((l: { key: string }) => l.key)).toEqual(['node24', 'chromium']);
    expect(runtimeLabels(run)[1].label).toBe(
      'chromium 150.0.7871.100 (V8 15.0), quick run of 2026-12-03 04:19 UTC, unshared memory',
    );
    const by = caseRatios(run);
    expect(by.get('node24').get('items.0').wasmOverJs).toBe(2);
    expect(by.get('chromium').get('items.0').wasmOverJs).toBe(0.5);
    expect(joinRuns([node])).toBe(node);
  });

  it('shows an impl a runtime cannot run as unavailable, with the reason, not as a missing figure', () => {
    const why = 'multithreading 0.3.52 needs navigator, which this runtime lacks';
    const full = (impl: string, median: number) => ({
      ...rec('node24', 'xthread.mpsc.2p', impl, median),
      min: median,
      max: median,
      opsPerSec: 1e9 / median,
      bytesPerSec: 0,
      heapBytesPerOp: 0,
    });
    const node24 = {
      cpu: 'AMD EPYC',
      cores: 2,
      memory: 'shared',
      date: '2026-12-03T06:00:00.000Z',
      runtimes: { node24: { name: 'node', version: '24.22.3', engine: 'V8 13.6' } },
      records: [full('wasm', 600), full('multithreading', 9000)],
      cases: { 'xthread.mpsc.2p': { notes: {} } },
      warnings: [],
    };
    const node20 = {
      ...node24,
      runtimes: undefined,
      node: 'v20.20.2',
      v8: '11.3',
      runtime: 'node20',
      records: [{ ...full('wasm', 700), runtime: undefined }],
      skipped: [{ case: 'xthread.mpsc.2p', impl: 'multithreading', reason: why }],
    };
    const run = joinRuns([node24, node20]);
    expect(run.skipped).toEqual([{ case: 'xthread.mpsc.2p', impl: 'multithreading', runtime: 'node20', reason: why }]);
    expect(unavailableLines(run)).toEqual([`multithreading on node20 (xthread.mpsc.2p): ${why}`]);
    const rows = renderTable(run).split('\n');
    // After node20's figure, its row says why it has none; node24's peer keeps its figure.
    const at = rows.findIndex((l) => /node20 multithreading/.test(l));
    expect(rows[at]).toMatch(new RegExp(`node20 multithreading +unavailable: ${why}$`));
    expect(rows[at - 1]).toMatch(/node20 wasm +700/);
    expect(rows.some((l) => /node24 multithreading +9000/.test(l))).toBe(true);
    expect(renderChart(run)).toContain(`unavailable: multithreading on node20 (xthread.mpsc.2p): ${why}`);
    // A run where everything ran says nothing of the kind.
    expect(unavailableLines(node24)).toEqual([]);
    expect(renderTable(node24)).not.toContain('unavailable');
  });

  it('takes geometric means', () => {
    expect(geomean([2, 8])).toBeCloseTo(4, 12);
    expect(geomean([])).toBeNull();
  });
});

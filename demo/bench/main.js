// The benchmark page: runs the bench's cases in this browser
// (bench/browser/session.js), then shows the bench report's table and chart
// (bench/report/table.js, chart.js) and offers the result as JSON in the
// format of bench/run.js's latest.json.
import { LEFT_OUT, loadCases } from '../../bench/browser/families.js';
import { MODES, runBench } from '../../bench/browser/session.js';
import { renderChart } from '../../bench/report/chart.js';
import { renderTable } from '../../bench/report/table.js';

const $ = (s) => document.querySelector(s);
/** What the page offers a test or a console: the cases it has, the last result, and a run. */
const bench = {
  /** @type {object | undefined} */
  result: undefined,
  run,
  /** The cases with their impls (as the bench's case files define them). */
  loadCases: async () => (await loadCases('shared')).map((c) => ({ id: c.id, impls: Object.keys(c.impls) })),
};
Object.assign(globalThis, { bench });

/** The report's renderers print "node …, V8 …": a browser run names the browser there. */
function forReport(result) {
  return { ...result, node: `n/a (${result.browser})`, v8: result.v8 ?? 'n/a' };
}

function show(result) {
  $('#table').textContent = renderTable(forReport(result));
  $('#chart').innerHTML = renderChart(forReport(result)); // the chart escapes every text it prints
  $('#export').disabled = false;
}

function exportJson() {
  const result = bench.result;
  if (result === undefined) return;
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(result, null, 2)}\n`], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: `${result.runtime}.json` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Runs the selected cases (options default to the controls) and shows them.
 * @param {{ mode?: string, memory?: string, filter?: string }} [o]
 */
async function run(o = {}) {
  const mode = o.mode ?? $('#mode').value;
  const memory = o.memory ?? $('#memory').value;
  const filters = (o.filter ?? $('#filter').value)
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const cases = (await loadCases(memory)).filter((c) => filters.length === 0 || filters.some((f) => c.id.includes(f)));
  if (cases.length === 0) throw new Error(`no case contains ${filters.join(' or ')}`);
  document.body.dataset.state = 'running';
  $('#run').disabled = true;
  const started = performance.now();
  try {
    const result = await runBench(cases, {
      mode,
      memory,
      onPair: (done, total, caseId, impl) => {
        const s = (performance.now() - started) / 1000;
        const left = done > 0 ? `, ~${Math.round((s / done) * (total - done))} s left` : '';
        $('#progress').textContent =
          done < total ? `[${done}/${total}] ${caseId} ${impl} … (${Math.round(s)} s${left})` : '';
      },
    });
    bench.result = result;
    show(result);
    $('#progress').textContent =
      `${result.records.length} results in ${Math.round((performance.now() - started) / 1000)} s, ${mode} run, ${memory} memory`;
    document.body.dataset.state = 'done';
    return result;
  } catch (e) {
    document.body.dataset.state = 'error';
    throw e;
  } finally {
    $('#run').disabled = false;
  }
}

async function main() {
  if (!globalThis.crossOriginIsolated) {
    $('#error').textContent =
      'This page is not cross-origin isolated (Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp): SharedArrayBuffer, which the cases need, is missing.';
    $('#error').hidden = false;
    document.body.dataset.state = 'error';
    return;
  }
  for (const [mode, o] of Object.entries(MODES)) {
    const option = $(`#mode option[value="${mode}"]`);
    if (option)
      option.title = `${o.procs} worker(s) per pair, ${o.samples} samples of ${o.sampleMs} ms after ${o.warmupMs} ms`;
  }
  $('#left-out').textContent = `Not in this page: ${Object.entries(LEFT_OUT)
    .map(([id, why]) => `${id} (${why})`)
    .join('; ')}.`;
  $('#run').addEventListener('click', () =>
    run().catch((e) => {
      $('#error').textContent = e instanceof Error ? e.message : String(e);
      $('#error').hidden = false;
    }),
  );
  $('#export').addEventListener('click', exportJson);
  $('#run').disabled = false;
  document.body.dataset.state = 'ready';
}

main();

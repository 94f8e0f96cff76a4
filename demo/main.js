// The demo page: shared buffers, producer workers, a consumer on the main
// thread that never blocks (it polls from timers), counters and a chart.
import { createEngine } from '../dist/bindings/index.js';
import { AUDIO_COUNTERS, AudioPanel } from './audio/panel.js';
import { Chart } from './chart.js';
import { SensorStream } from './sensor-stream.js';

const $ = (s) => document.querySelector(s);
const settings = { engine: 'wasm', overwrite: false, sensors: 3, rate: 10_000 };
const TICK_MS = 250; // counters and chart
const HISTORY = 80; // chart samples: 20 s

async function main() {
  let wasm;
  try {
    wasm = await createEngine('wasm', { shared: true, initialPages: 32 });
  } catch (e) {
    // Not cross-origin isolated: the library says which headers are missing.
    $('#error').textContent = e instanceof Error ? e.message : String(e);
    $('#error').hidden = false;
    return;
  }
  counters();
  // The js engine attaches to the same memory: both see the same buffers.
  const engines = { wasm, js: await createEngine('js', { memory: wasm.memory }) };
  const streams = { sensor: new SensorStream(engines, settings) };
  const audio = new AudioPanel($('#card-audio'), () => settings.engine);
  const chart = new Chart(
    $('#chart'),
    [
      { name: 'sensors · MpscPbuf', color: '#4fc3f7' },
      { name: 'audio capture · RingBuf', color: '#ffb74d' },
    ],
    HISTORY,
    TICK_MS,
  );

  // The consumer: drain what is there, within a time budget, then yield.
  const pump = () => {
    const deadline = performance.now() + 8;
    for (const s of Object.values(streams)) s.consume(settings.engine, deadline);
    setTimeout(pump, 2);
  };
  pump();

  let last = performance.now();
  const lastBytes = {};
  const lastDropped = {};
  setInterval(() => {
    const now = performance.now();
    const samples = [];
    for (const [name, s] of Object.entries(streams)) {
      const rate = (s.stats.bytes - (lastBytes[name] ?? 0)) / ((now - last) * 1000); // MB/s
      lastBytes[name] = s.stats.bytes;
      const util = s.used(settings.engine) / s.capacity;
      const peak = s.stats.peak / s.capacity;
      show(name, s.stats, rate, util, peak);
      // The chart shows the fullest the buffer was during the tick, the counter how full it is now.
      const fullest = Math.max(util, s.tickUsed / s.capacity);
      s.tickUsed = 0;
      samples.push({ rate, util: fullest, peak, drops: s.stats.dropped - (lastDropped[name] ?? 0) });
      lastDropped[name] = s.stats.dropped;
    }
    samples.push(audio.chartSample(now - last));
    last = now;
    chart.push(samples);
    chart.draw();
  }, TICK_MS);

  segmented('#engine', (v) => {
    settings.engine = v;
    for (const s of Object.values(streams)) s.set({ engine: v });
  });
  segmented('#overwrite', (v) => {
    settings.overwrite = v === 'on';
    for (const s of Object.values(streams)) s.set({ overwrite: settings.overwrite });
  });
  $('#sensors').onchange = (e) => streams.sensor.resize(Number(e.target.value));
  $('#rate').onchange = (e) => {
    settings.rate = Number(e.target.value);
    streams.sensor.set({ rate: settings.rate });
    subtitle();
  };
  const subtitle = () =>
    ($('#sensor-sub').textContent =
      `${streams.sensor.stats.workers} workers · ${settings.rate.toLocaleString('en')} frames/s each · 36-byte frames`);
  subtitle();
  $('#sensors').addEventListener('change', subtitle);
  $('#stall').onclick = () => {
    const end = performance.now() + 500;
    while (performance.now() < end); // deliberately block the consumer; the workers keep capturing
  };
  const frame = () => {
    audio.show();
    requestAnimationFrame(frame);
  };
  frame();
  Object.assign(window, {
    demo: {
      settings,
      stats: () =>
        Object.fromEntries(Object.entries(streams).map(([k, s]) => [k, { ...s.stats, capacity: s.capacity }])),
      audio: () => audio.stats(),
    },
  });
  document.body.dataset.ready = 'true';
}

const COUNTERS = ['throughput', 'utilization', 'peak', 'received', 'dropped', 'lost'];

/** Fills each card's list with its counters (`dd[data-k]`), once. */
function counters() {
  const list = (dl, names) => (dl.innerHTML = names.map((k) => `<dt>${k}</dt><dd data-k="${k}">–</dd>`).join(''));
  list($('#card-sensor dl'), COUNTERS);
  list($('#card-audio dl'), AUDIO_COUNTERS);
}

function show(name, stats, rate, util, peak) {
  const card = $(`#card-${name}`);
  const set = (k, text, cls = '') => {
    const dd = card.querySelector(`[data-k="${k}"]`);
    dd.textContent = text;
    dd.className = cls;
  };
  set('throughput', `${rate.toFixed(2)} MB/s`);
  set('utilization', `${(util * 100).toFixed(1)} %`, util > 0.9 ? 'warn' : '');
  set('peak', `${(peak * 100).toFixed(1)} %`, peak > 0.99 ? 'warn' : '');
  set('received', stats.received.toLocaleString('en'));
  set('dropped', stats.dropped.toLocaleString('en'), stats.dropped ? 'warn' : '');
  set('lost', stats.lost.toLocaleString('en'), stats.lost ? 'bad' : 'good');
}

/** Wires a two-button switch; `onChange(value)` runs when it changes. */
function segmented(sel, onChange) {
  const root = $(sel);
  root.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || b.classList.contains('on')) return;
    for (const x of root.querySelectorAll('button')) x.classList.toggle('on', x === b);
    onChange(b.dataset.value);
  });
}

main();

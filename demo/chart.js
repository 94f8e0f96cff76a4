// A small canvas chart, no library: two stacked panels (throughput and
// utilization) over the last `length` samples, one line per stream.

const FONT = '11px system-ui, sans-serif';

export class Chart {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{ name: string, color: string }[]} series
   * @param {number} length samples kept (one per tick)
   * @param {number} tickMs time between two samples
   */
  constructor(canvas, series, length, tickMs) {
    this.canvas = canvas;
    this.series = series;
    this.length = length;
    this.tickMs = tickMs;
    // Per series: throughput (MB/s), utilization and peak (0..1).
    this.rate = series.map(() => /** @type {number[]} */ ([]));
    this.util = series.map(() => /** @type {number[]} */ ([]));
    this.peak = series.map(() => 0);
    /** @type {number[]} */
    this.drops = []; // frames dropped during each tick, all series together
  }

  /** Appends one sample per series: `[{ rate, util, peak, drops }]`. */
  push(samples) {
    this.drops.push(samples.reduce((a, s) => a + s.drops, 0));
    if (this.drops.length > this.length) this.drops.shift();
    samples.forEach((s, i) => {
      this.rate[i].push(s.rate);
      this.util[i].push(s.util);
      this.peak[i] = s.peak;
      if (this.rate[i].length > this.length) {
        this.rate[i].shift();
        this.util[i].shift();
      }
    });
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth,
      h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')); // a canvas that only ever gets '2d'
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const half = (h - 10) / 2;
    const maxRate = niceCeil(Math.max(0.001, ...this.rate.flat()));
    const secs = Math.round((this.length * this.tickMs) / 1000);
    const digits = Math.max(0, -Math.floor(Math.log10(maxRate / 5)));
    this.dropBands(g, w, h);
    this.panel(g, 0, w, half, `throughput, MB/s · last ${secs} s`, maxRate, (v) => v.toFixed(digits), this.rate);
    this.panel(
      g,
      half + 10,
      w,
      half,
      'utilization, highest per tick (dashed: peak)',
      1,
      (v) => `${Math.round(v * 100)}%`,
      this.util,
      this.peak,
    );
  }

  /** A red band behind both panels for every tick in which frames were dropped. */
  dropBands(g, w, h) {
    const left = 44,
      right = w - 10,
      step = (right - left) / (this.length - 1);
    const off = this.length - this.drops.length;
    g.fillStyle = 'rgba(239, 83, 80, 0.28)';
    this.drops.forEach((d, j) => {
      if (d > 0) g.fillRect(left + (off + j - 0.5) * step, 16, step, h - 32);
    });
    if (this.drops.some((d) => d > 0)) {
      g.font = FONT;
      g.fillStyle = '#ef5350';
      g.fillText('▮ frames dropped', left + 180, 11);
    }
  }

  panel(g, top, w, h, title, max, label, data, peaks) {
    const left = 44,
      right = w - 10,
      y0 = top + h - 16,
      y1 = top + 18;
    g.font = FONT;
    g.fillStyle = '#7d8b99';
    g.fillText(title, left, top + 11);
    let lx = right; // legend, right-aligned, last series rightmost
    for (let i = this.series.length - 1; i >= 0; i--) {
      const s = this.series[i];
      lx -= g.measureText(s.name).width;
      g.fillStyle = s.color;
      g.fillText(s.name, lx, top + 11);
      lx -= 18;
    }
    g.strokeStyle = '#263241';
    g.lineWidth = 1;
    // Round steps: 5 for a top of 1 or 5 (x 10^n), 4 for 2.
    const steps = Math.abs(max / 10 ** Math.floor(Math.log10(max)) - 2) < 1e-9 ? 4 : 5;
    for (let k = 0; k <= steps; k++) {
      const y = Math.round(y0 - ((y0 - y1) * k) / steps) + 0.5;
      g.beginPath();
      g.moveTo(left, y);
      g.lineTo(right, y);
      g.stroke();
      g.fillStyle = '#7d8b99';
      g.fillText(label((max * k) / steps), 2, y + 4);
    }
    const x = (j) => left + ((right - left) * j) / (this.length - 1);
    const y = (v) => y0 - (y0 - y1) * Math.min(1, v / max);
    data.forEach((d, i) => {
      g.strokeStyle = this.series[i].color;
      g.lineWidth = 2;
      g.beginPath();
      const off = this.length - d.length;
      d.forEach((v, j) => {
        if (j) g.lineTo(x(off + j), y(v));
        else g.moveTo(x(off + j), y(v));
      });
      g.stroke();
      if (peaks) {
        g.setLineDash([5, 4]);
        g.lineWidth = 1;
        g.beginPath();
        g.moveTo(left, y(peaks[i]));
        g.lineTo(right, y(peaks[i]));
        g.stroke();
        g.setLineDash([]);
      }
    });
  }
}

/** 1, 2 or 5 times a power of ten, at least `v`. */
function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

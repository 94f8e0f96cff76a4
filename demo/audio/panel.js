// The demo page's audio card: starts and stops a session (session.js), and
// shows its shared counters live: levels, overruns, underruns, ring fill,
// and the main thread's own stalls next to the capture lost during them
// (none: the drain runs in a worker, so a stalled page loses nothing).
import { startAudio } from './session.js';

const STALL_MS = 100; // a gap this long between two 20 ms timer ticks is a stall of the main thread

export class AudioPanel {
  /** @param {HTMLElement} card  @param {() => string} engine the engine chosen on the page, read at start */
  constructor(card, engine) {
    this.card = card;
    this.engine = engine;
    this.session = null;
    this.stalls = { count: 0, longestMs: 0, overruns: 0 };
    this.peakUsed = 0; // fullest the capture ring was in the chart tick
    this.lastDrained = 0;
    this.lastOverruns = 0;
    const $ = (s) => card.querySelector(s);
    this.el = {
      start: $('#audio-start'),
      source: $('#audio-source'),
      ring: $('#audio-ring'),
      playback: $('#audio-playback'),
      stallDrain: $('#audio-stall-drain'),
      stallSynth: $('#audio-stall-synth'),
      wav: $('#audio-wav'),
      sub: $('#audio-sub'),
      levels: [$('#audio-level-l'), $('#audio-level-r')],
    };
    this.el.start.onclick = () => (this.session ? this.stop() : this.start());
    this.el.stallDrain.onclick = () => this.session?.stallDrain(500);
    this.el.stallSynth.onclick = () => this.session?.stallSynth(500);
    this.el.wav.onclick = () => this.download();
    this.watchMainThread();
    this.show();
  }

  async start() {
    this.el.start.disabled = true;
    try {
      this.session = await startAudio({
        engine: this.engine(),
        source: this.el.source.value,
        captureMs: Number(this.el.ring.value),
        playback: this.el.playback.value === 'off' ? null : this.el.playback.value,
      });
      this.lastDrained = 0;
      this.lastOverruns = 0;
    } catch (e) {
      this.el.sub.textContent = `could not start: ${e instanceof Error ? e.message : String(e)}`;
      throw e;
    } finally {
      this.el.start.disabled = false;
    }
    this.stalls = { count: 0, longestMs: 0, overruns: 0 };
    this.show();
  }

  async stop() {
    const s = this.session;
    if (!s) return;
    this.session = null;
    this.show();
    await s.stop();
  }

  /** Asks the recorder for its WAV and hands it to the browser as a download. */
  async download() {
    if (!this.session) return;
    const url = URL.createObjectURL(new Blob([await this.session.wav()], { type: 'audio/wav' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'capture.wav' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /**
   * A 20 ms timer: when it fires late by more than STALL_MS the main thread
   * was blocked; the overruns counted across that gap are the capture lost
   * to it.
   */
  watchMainThread() {
    let last = performance.now();
    let overruns = 0;
    setInterval(() => {
      const now = performance.now();
      const seen = this.session ? this.session.stats().overruns : 0;
      if (now - last > STALL_MS) {
        this.stalls.count++;
        this.stalls.longestMs = Math.max(this.stalls.longestMs, Math.round(now - last));
        this.stalls.overruns += Math.max(0, seen - overruns);
      }
      if (this.session) this.peakUsed = Math.max(this.peakUsed, this.session.stats().captureUsed);
      overruns = seen;
      last = now;
    }, 20);
  }

  /** The counters, for the page's test hook. */
  stats() {
    return this.session ? { ...this.session.stats(), stalls: { ...this.stalls }, engine: this.session.engine } : null;
  }

  /** One chart sample (like the sensor stream's) for the tick of `ms` that just ended. */
  chartSample(ms) {
    const session = this.session;
    if (!session) return { rate: 0, util: 0, peak: 0, drops: 0 };
    const s = session.stats();
    const frameBytes = 4 * session.channels;
    const sample = {
      rate: ((s.drainedFrames - this.lastDrained) * frameBytes) / (ms * 1000),
      util: Math.max(this.peakUsed, s.captureUsed) / s.captureCapacity,
      peak: s.captureUsedPeak / s.captureCapacity,
      drops: s.overruns - this.lastOverruns,
    };
    this.lastDrained = s.drainedFrames;
    this.lastOverruns = s.overruns;
    this.peakUsed = 0;
    return sample;
  }

  /** Refreshes the card; the page calls it on every animation frame. */
  show() {
    const session = this.session;
    const s = this.stats();
    const running = session !== null && s !== null; // both or neither
    this.el.start.textContent = running ? 'stop' : 'start';
    for (const b of [this.el.stallDrain, this.el.wav]) b.disabled = !running;
    this.el.stallSynth.disabled = !running || s.playbackCapacity === 0;
    for (const el of [this.el.source, this.el.ring, this.el.playback]) el.disabled = running;
    if (running) {
      const rate = session.sampleRate;
      this.el.sub.textContent = `${session.engine} engine in the worklets · ${rate} Hz · ${session.channels} channels in planar blocks of 128 float32 · ${Math.round((s.captureCapacity / (4 * session.channels * rate)) * 1000)} ms capture ring`;
    } else if (!this.el.sub.textContent.startsWith('could not')) {
      this.el.sub.textContent = 'stopped: press start (the microphone asks for permission)';
    }
    s?.peak.forEach((p, i) => {
      this.el.levels[i].value = Math.min(1, p);
    });
    const set = (k, text, cls = '') => {
      const dd = this.card.querySelector(`[data-k="${k}"]`);
      if (!dd) throw new Error(`the audio card has no counter '${k}' (AUDIO_COUNTERS)`);
      dd.textContent = text;
      dd.className = cls;
    };
    const n = (v) => v.toLocaleString('en');
    const pct = (used, cap) => (cap ? `${((100 * used) / cap).toFixed(1)} %` : '–');
    if (!running) return;
    set('drained', `${(s.drainedFrames / session.sampleRate).toFixed(1)} s`);
    set('overruns', n(s.overruns), s.overruns ? 'warn' : 'good');
    set('underruns', n(s.underruns), s.underruns ? 'warn' : 'good');
    set('capture ring', `${pct(s.captureUsed, s.captureCapacity)} (peak ${pct(s.captureUsedPeak, s.captureCapacity)})`);
    set('playback ring', pct(s.playbackUsed, s.playbackCapacity));
    set('main-thread stalls', `${n(this.stalls.count)} (longest ${n(this.stalls.longestMs)} ms)`);
    set('lost to them', n(this.stalls.overruns), this.stalls.overruns ? 'bad' : 'good');
  }
}

/** The counters the card lists, in order. */
export const AUDIO_COUNTERS = [
  'drained',
  'overruns',
  'underruns',
  'capture ring',
  'playback ring',
  'main-thread stalls',
  'lost to them',
];

// Progress on stderr with the time left: the estimate is the mean time of
// the processes run so far times the processes still to run (every pair
// costs about the same, and the processes run one at a time).

/** m:ss */
export function clock(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class Progress {
  /** `total`: how many processes the run will start. */
  constructor(total) {
    this.total = total;
    this.done = 0;
    this.started = Date.now();
    this.tty = process.stderr.isTTY;
  }

  /** Elapsed and estimated remaining time, e.g. "0:42 elapsed, ~1:05 left". */
  timing() {
    const elapsed = Date.now() - this.started;
    if (this.done === 0) return `${clock(elapsed)} elapsed`;
    const left = (elapsed / this.done) * (this.total - this.done);
    return `${clock(elapsed)} elapsed, ~${clock(left)} left`;
  }

  /** A process is about to start (shown in place on a terminal only). */
  starting(what) {
    if (this.tty) process.stderr.write(`\r\x1b[K[${this.done}/${this.total}] ${what} … (${this.timing()})`);
  }

  /** A process finished. */
  finished() {
    this.done++;
  }

  /** A line that stays (a finished pair). */
  line(text) {
    const out = `${text}  (${this.timing()})`;
    process.stderr.write(this.tty ? `\r\x1b[K${out}\n` : `${out}\n`);
  }
}

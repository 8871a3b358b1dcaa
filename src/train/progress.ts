// Training progress on stderr: a redrawn bar on a terminal, a plain line every N steps otherwise
// (CI logs, pipes), so logs stay readable and bounded.
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressUpdate {
  readonly step: number;
  readonly loss: number;
  readonly tokensPerSec: number;
  readonly lr: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

export class Progress {
  private readonly t0 = performance.now();
  private lastLine = '';

  /**
   * @param startStep steps already done (a resumed run), so the ETA counts only this session's rate.
   * @param every plain-line interval when the stream is not a terminal.
   */
  constructor(private readonly total: number, private readonly startStep = 0,
    private readonly stream: ProgressStream = process.stderr, private readonly every = 10) {}

  /** Seconds left at this session's pace. */
  eta(step: number): number {
    const done = step - this.startStep;
    const elapsed = (performance.now() - this.t0) / 1000;
    return done > 0 ? (elapsed / done) * (this.total - step) : Number.NaN;
  }

  line(u: ProgressUpdate): string {
    const tps = u.tokensPerSec >= 1000 ? `${(u.tokensPerSec / 1000).toFixed(1)}k` : u.tokensPerSec.toFixed(0);
    return `step ${u.step}/${this.total} | loss ${u.loss.toFixed(4)} | lr ${u.lr.toExponential(2)} | ${tps} tok/s | ETA ${formatDuration(this.eta(u.step))}`;
  }

  update(u: ProgressUpdate): void {
    const text = this.line(u);
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.round((width * u.step) / Math.max(1, this.total));
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      const full = `${bar} ${text}`.slice(0, Math.max(20, (this.stream.columns ?? 120) - 1));
      this.stream.write(`\r${full}\x1b[K`);
      this.lastLine = full;
    } else if (u.step % this.every === 0 || u.step === this.total || u.step === this.startStep + 1) {
      this.stream.write(text + '\n');
    }
  }

  /** A message on its own line (e.g. validation loss) without breaking the bar. */
  note(msg: string): void {
    if (this.stream.isTTY) this.stream.write(`\r\x1b[K${msg}\n${this.lastLine}`);
    else this.stream.write(msg + '\n');
  }

  done(): void {
    if (this.stream.isTTY && this.lastLine) this.stream.write('\n');
    this.lastLine = '';
  }
}

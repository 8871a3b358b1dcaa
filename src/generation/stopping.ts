// Streaming text with stop strings: the decoded text is released only once no stop string can
// still begin inside it, and never while a multi-byte character is incomplete.
export class TextStream {
  private emitted = 0;
  text = '';
  stopped = false;

  constructor(private readonly decode: (ids: readonly number[]) => string, private readonly stops: readonly string[] = []) {}

  /** Updates with all generated ids so far; returns the newly released text. */
  update(ids: readonly number[]): string {
    const full = this.decode(ids);
    let cut = -1;
    for (const s of this.stops) {
      if (s === '') continue;
      const i = full.indexOf(s, Math.max(0, this.emitted - s.length));
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    if (cut >= 0) {
      this.stopped = true;
      return this.release(full, cut);
    }
    let safe = full.length - this.pendingStop(full);
    while (safe > 0 && full.charCodeAt(safe - 1) === 0xfffd) safe--; // an incomplete UTF-8 sequence
    return this.release(full, safe);
  }

  /** Releases everything left (the sequence ended without a stop string). */
  finish(ids: readonly number[]): string {
    return this.stopped ? '' : this.release(this.decode(ids), Infinity);
  }

  // Length of the longest tail of `full` that begins some stop string.
  private pendingStop(full: string): number {
    let hold = 0;
    for (const s of this.stops) {
      for (let k = Math.min(s.length - 1, full.length); k > hold; k--) {
        if (full.endsWith(s.slice(0, k))) { hold = k; break; }
      }
    }
    return hold;
  }

  private release(full: string, upto: number): string {
    const end = Math.min(full.length, upto);
    if (end <= this.emitted) return '';
    const delta = full.slice(this.emitted, end);
    this.emitted = end;
    this.text = full.slice(0, end);
    return delta;
  }
}

// A max-heap of (count, pair key) with lazy deletion: entries whose count no longer matches the
// live count are dropped when they reach the top. Ties pop the smallest key first.

export class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private above(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i]!; this.counts[i] = this.counts[j]!; this.counts[j] = c;
    const k = this.keys[i]!; this.keys[i] = this.keys[j]!; this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private pop(): { count: number; key: number } | null {
    const n = this.keys.length;
    if (n === 0) return null;
    const top = { count: this.counts[0]!, key: this.keys[0]! };
    this.swap(0, n - 1);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n - 1 && this.above(l, m)) m = l;
      if (r < n - 1 && this.above(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  /** Pops until an entry agrees with `live` (the current counts); null when none is left. */
  popValid(live: ReadonlyMap<number, number>): { count: number; key: number } | null {
    for (;;) {
      const t = this.pop();
      if (t === null) return null;
      if (live.get(t.key) === t.count) return t;
    }
  }
}

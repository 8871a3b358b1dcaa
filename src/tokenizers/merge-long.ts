// BPE merging for long pre-tokens in O(n log n): a linked list of symbols and a min-heap of
// (rank, position) candidates. Lowest rank, leftmost first, gives the pass-by-pass result
// whenever a merge's parts come from earlier merges (true of trained and GPT-2 vocabularies).

/** Number min-heap (values are exact integers below 2^53). */
class MinHeap {
  private a: number[] = [];
  get size(): number { return this.a.length; }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

const POS = 2 ** 31;

/** The ids of `syms` after BPE merging. */
export function mergeLong(syms: readonly number[], rankOf: (a: number, b: number) => number | undefined, idOf: (a: number, b: number) => number): number[] {
  const n = syms.length;
  const sym = Int32Array.from(syms);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) { next[i] = i + 1 < n ? i + 1 : -1; prev[i] = i - 1; }
  const heap = new MinHeap();
  const offer = (i: number): void => {
    const j = next[i]!;
    if (i < 0 || j < 0) return;
    const r = rankOf(sym[i]!, sym[j]!);
    if (r !== undefined) heap.push(r * POS + i);
  };
  for (let i = 0; i + 1 < n; i++) offer(i);
  while (heap.size > 0) {
    const v = heap.pop();
    const r = Math.floor(v / POS);
    const i = v - r * POS;
    const j = next[i]!;
    // Stale: the left symbol was absorbed (sym = -1), or its right neighbour changed.
    if (sym[i]! < 0 || j < 0 || rankOf(sym[i]!, sym[j]!) !== r) continue;
    sym[i] = idOf(sym[i]!, sym[j]!);
    sym[j] = -1;
    next[i] = next[j]!;
    if (next[j]! >= 0) prev[next[j]!] = i;
    offer(prev[i]!);
    offer(i);
  }
  const out: number[] = [];
  for (let i = 0; i >= 0 && i < n; i = next[i]!) out.push(sym[i]!);
  return out;
}

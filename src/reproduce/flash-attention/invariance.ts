// F-9: batch invariance (spec §2.7). The last 9 positions of a fixed 1025-token sequence (d = 64,
// causal, GQA 8/2) are computed one at a time against the KV cache, in query blocks of 2, 5 and 9,
// inside the full prefill, in a batch of 3 beside unrelated sequences, at 1 and at 2 threads; the
// output rows and log-sum-exps must agree bit for bit.
import * as T from '../../tensor/index.ts';
import { setNativeThreads } from '../../backends/native/index.ts';
import { Rng } from '../../util/rng.ts';

export interface InvarianceResult { variants: number; rows: number; mismatches: number; detail: string[] }

export function runInvariance(): InvarianceResult {
  const n = 1025;
  const d = 64;
  const last = 9;
  const rng = new Rng(21);
  const q = T.randn([1, 8, n, d], { rng });
  const k = T.randn([1, 2, n, d], { rng });
  const v = T.randn([1, 2, n, d], { rng });
  const keys = (end: number) => [k.slice(2, 0, end).contiguous(), v.slice(2, 0, end).contiguous()] as const;
  /** Rows of positions [p0, p1) as (heads, rows, d) out and (heads, rows) lse, flattened. */
  const rowsOf = (out: T.Tensor, lse: T.Tensor, from: number) => ({ o: out.slice(2, from).contiguous().toFlatArray(), l: lse.slice(2, from).contiguous().toFlatArray() });
  const variants: { name: string; o: number[]; l: number[] }[] = [];
  const collect = (name: string, parts: { o: number[]; l: number[] }[]) => {
    // Parts are per position ranges in increasing order; regroup to (position, head, ...) order.
    variants.push({ name, o: parts.flatMap((p) => p.o), l: parts.flatMap((p) => p.l) });
  };
  const blocks = (size: number) => {
    const parts: { o: number[]; l: number[] }[] = [];
    for (let p0 = n - last; p0 < n; p0 += size) {
      const p1 = Math.min(p0 + size, n);
      const [kk, vv] = keys(p1);
      const r = T.attentionWithLse(q.slice(2, p0, p1).contiguous(), kk, vv, { causal: true });
      for (let p = p0; p < p1; p++) parts.push(rowsOf(r.out.slice(2, p - p0, p - p0 + 1), r.lse.slice(2, p - p0, p - p0 + 1), 0));
    }
    return parts;
  };
  for (const threads of [2, 1]) {
    setNativeThreads(threads);
    collect(`decode N_q=1 (${threads} thr)`, blocks(1));
    for (const s of [2, 5, 9]) collect(`block N_q=${s} (${threads} thr)`, blocks(s));
    const full = T.attentionWithLse(q, k, v, { causal: true });
    const parts = [];
    for (let p = n - last; p < n; p++) parts.push(rowsOf(full.out.slice(2, p, p + 1), full.lse.slice(2, p, p + 1), 0));
    collect(`prefill N=1025 (${threads} thr)`, parts);
    // A batch of 3: two unrelated sequences of lengths 700 and 300, padded to 1025 keys.
    const other = () => T.randn([1, 8, n, d], { rng });
    const qb = T.concat([other(), q, other()], 0);
    const kvOther = () => T.randn([1, 2, n, d], { rng });
    const kb = T.concat([kvOther(), k, kvOther()], 0);
    const vb = T.concat([kvOther(), v, kvOther()], 0);
    const batch = T.attentionWithLse(qb, kb, vb, { causal: true, keyLengths: [700, n, 300] });
    const bparts = [];
    for (let p = n - last; p < n; p++) bparts.push(rowsOf(batch.out.slice(0, 1, 2).slice(2, p, p + 1), batch.lse.slice(0, 1, 2).slice(2, p, p + 1), 0));
    collect(`batch of 3 (${threads} thr)`, bparts);
  }
  setNativeThreads(2);
  const ref = variants[0];
  const detail: string[] = [];
  let mismatches = 0;
  for (const x of variants.slice(1)) {
    let bad = 0;
    for (let i = 0; i < ref.o.length; i++) if (!Object.is(ref.o[i], x.o[i])) bad++;
    for (let i = 0; i < ref.l.length; i++) if (!Object.is(ref.l[i], x.l[i])) bad++;
    mismatches += bad;
    detail.push(`${x.name}: ${bad === 0 ? 'bitwise equal' : `${bad} values differ`}`);
  }
  return { variants: variants.length, rows: last * 8, mismatches, detail };
}

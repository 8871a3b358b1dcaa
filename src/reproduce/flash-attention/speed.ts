// F-5 (timing half) and F-7: wall-clock of fused vs naive forward + backward, side by side in one
// process, median of several runs.
import * as T from '../../tensor/index.ts';
import { setNativeThreads } from '../../backends/native/index.ts';
import { Rng } from '../../util/rng.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median milliseconds of forward + backward (4 heads, d = 64 unless given). */
export function timeAttention(n: number, impl: 'fused' | 'naive', causal: boolean, reps: number, opts: { heads?: number; d?: number; backward?: boolean } = {}): number {
  const h = opts.heads ?? 4;
  const d = opts.d ?? 64;
  const rng = new Rng(1);
  const mk = () => T.randn([1, h, n, d], { rng, requiresGrad: opts.backward !== false });
  const q = mk();
  const k = mk();
  const v = mk();
  const go = T.randn([1, h, n, d], { rng });
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    q.zeroGrad(); k.zeroGrad(); v.zeroGrad();
    const t0 = performance.now();
    const o = T.attention(q, k, v, { causal, impl });
    if (opts.backward !== false) o.backward(go);
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

export interface SpeedRow { n: number; threads: number; path: 'fused' | 'naive'; ms: number }

export function speedSweep(ns: readonly number[], naiveMax: number, reps: number): SpeedRow[] {
  const rows: SpeedRow[] = [];
  for (const threads of [1, 2]) {
    setNativeThreads(threads);
    for (const n of ns) {
      rows.push({ n, threads, path: 'fused', ms: timeAttention(n, 'fused', true, reps) });
      if (n <= naiveMax) rows.push({ n, threads, path: 'naive', ms: timeAttention(n, 'naive', true, reps) });
    }
  }
  setNativeThreads(2);
  return rows;
}

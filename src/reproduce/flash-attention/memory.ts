// F-3: extra memory of the fused and the naive path. "Extra" is defined once for both: the bytes
// the engine allocates during the call (its allocation counter; inputs exist beforehand) minus the
// bytes of the results the caller asked for (O, and dQ, dK, dV for forward + backward), plus the
// scratch the native kernel allocates outside the engine (per worker thread, reported by the
// kernel). Saved tensors count: the fused path's LSE, the naive path's scores and probabilities.
// The engine's count is cumulative, so it bounds the peak from above for both paths alike.
import * as T from '../../tensor/index.ts';
import { measureAlloc } from '../../tensor/engine.ts';
import { loadNativeAddon } from '../../backends/native/index.ts';
import { attentionNums } from '../../backends/native/attention.ts';
import { Rng } from '../../util/rng.ts';

export interface MemoryRow { n: number; path: 'fused' | 'naive'; pass: 'forward' | 'forward+backward'; extraBytes: number }

export function measureExtra(n: number, path: 'fused' | 'naive', backward: boolean, d = 64): number {
  const rng = new Rng(3);
  const mk = () => T.randn([1, 1, n, d], { rng, requiresGrad: backward });
  const q = mk();
  const k = mk();
  const v = mk();
  const go = T.randn([1, 1, n, d], { rng });
  const ioBytes = n * d * 4 * (backward ? 4 : 1);
  const { bytes } = measureAlloc(() => {
    const o = T.attention(q, k, v, { causal: true, impl: path });
    if (backward) o.backward(go);
  });
  let scratch = 0;
  const addon = loadNativeAddon();
  if (path === 'fused' && addon) {
    const p = { batch: 1, headsQ: 1, headsKV: 1, nq: n, nk: n, d, scale: 1, causal: true, keyLengths: null, dropout: 0, seed: 0 };
    scratch = addon.attentionScratch(attentionNums(p), false) + (backward ? addon.attentionScratch(attentionNums(p), true) : 0);
  }
  return bytes - ioBytes + scratch;
}

export function memorySweep(fusedNs: readonly number[], naiveNs: readonly number[]): MemoryRow[] {
  const rows: MemoryRow[] = [];
  for (const backward of [false, true]) {
    const pass = backward ? 'forward+backward' : 'forward';
    for (const n of fusedNs) rows.push({ n, path: 'fused', pass, extraBytes: measureExtra(n, 'fused', backward) });
    for (const n of naiveNs) rows.push({ n, path: 'naive', pass, extraBytes: measureExtra(n, 'naive', backward) });
  }
  return rows;
}

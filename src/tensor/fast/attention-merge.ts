// Merging partial attention results over disjoint key ranges (split-KV decoding, chunked or ring
// attention): with normalised outputs O_a, O_b and log-sum-exps L_a, L_b of the same query rows,
// L = log(e^L_a + e^L_b) and O = e^(L_a − L)·O_a + e^(L_b − L)·O_b. Exact up to rounding, and
// order-independent only up to rounding, so callers merge in a fixed (increasing key) order.
import { Tensor } from '../tensor.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { contiguous } from '../ops/view.ts';

/** Merges two partial results (out (…, N, d), lse (…, N)); a side with L = −∞ contributes nothing. */
export function mergeAttention(a: { out: Tensor; lse: Tensor }, b: { out: Tensor; lse: Tensor }): { out: Tensor; lse: Tensor } {
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (!same(a.out.shape, b.out.shape) || !same(a.lse.shape, b.lse.shape) || !same(a.out.shape.slice(0, -1), a.lse.shape)) {
    fail('mergeAttention', `out (…, N, d) and lse (…, N) must match on both sides, got ${fmtShape(a.out.shape)}/${fmtShape(a.lse.shape)} and ${fmtShape(b.out.shape)}/${fmtShape(b.lse.shape)}`);
  }
  const oa = contiguous(a.out).toFlatArray();
  const ob = contiguous(b.out).toFlatArray();
  const la = contiguous(a.lse).toFlatArray();
  const lb = contiguous(b.lse).toFlatArray();
  const d = a.out.shape[a.out.ndim - 1];
  const out = Tensor.empty(a.out.shape, a.out.dtype);
  const lse = Tensor.empty(a.lse.shape, a.lse.dtype);
  for (let r = 0; r < la.length; r++) {
    const m = Math.max(la[r], lb[r]);
    if (m === -Infinity) {
      lse.data[r] = -Infinity;
      continue;
    }
    const ea = Math.exp(la[r] - m);
    const eb = Math.exp(lb[r] - m);
    const s = ea + eb;
    lse.data[r] = m + Math.log(s);
    for (let c = 0; c < d; c++) out.data[r * d + c] = (ea * oa[r * d + c] + eb * ob[r * d + c]) / s;
  }
  return { out, lse };
}

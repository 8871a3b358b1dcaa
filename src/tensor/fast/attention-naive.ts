// The composed attention fallback: softmax(mask(softcap(QKᵀ·τ) + bias))·V in ordinary ops, which
// materialises the (nq, nk) scores and probabilities (O(N²) memory) and differentiates through
// the ops' own vjps. It is the oracle the fused kernel is checked against (in float64).
import type { AttentionParams } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { keeps } from '../../util/keep-mask.ts';
import { keyRange } from '../../util/attention-range.ts';
import { expand, reshape, transpose } from '../ops/view.ts';
import { matmul } from '../ops/matmul.ts';
import { add, mul, tanh, where } from '../ops/elementwise.ts';
import { softmax } from '../ops/nn.ts';
import { logsumexp } from '../ops/reduce.ts';

/** The composed path; returns the output and the row log-sum-exp (−∞ for fully masked rows). */
export function attentionNaive(q: Tensor, k: Tensor, v: Tensor, p: AttentionParams, bias: Tensor | null = null): { out: Tensor; lse: Tensor } {
  const { batch, headsQ, headsKV, nq, nk, d } = p;
  const g = headsQ / headsKV;
  // Query head h reads KV head floor(h / g): repeat each KV head g times.
  const rep = (t: Tensor) => (g === 1 ? t : reshape(expand(reshape(t, [batch, headsKV, 1, nk, d]), [batch, headsKV, g, nk, d]), [batch, headsQ, nk, d]));
  let scores = mul(matmul(q, transpose(rep(k), -2, -1)), p.scale); // (B, Hq, Nq, Nk)
  const cap = p.softcap ?? 0;
  if (cap > 0) scores = mul(tanh(mul(scores, 1 / cap)), cap);
  if (bias) scores = add(scores, bias);
  const allowed = Tensor.empty([batch, 1, nq, nk], 'u8');
  const rowAny = Tensor.empty([batch, 1, nq, 1], q.dtype);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nq; i++) {
      const [lo, hi] = keyRange(p, b, i);
      for (let j = lo; j < hi; j++) allowed.data[(b * nq + i) * nk + j] = 1;
      rowAny.data[b * nq + i] = hi > lo ? 1 : 0;
    }
  }
  // A finite fill keeps fully masked rows NaN-free; they are zeroed by rowAny below.
  const masked = where(allowed, scores, -1e30);
  const probs = softmax(masked, -1);
  let weights = probs;
  if (p.dropout > 0) {
    const z = Tensor.empty([batch, headsQ, nq, nk], q.dtype);
    const scale = 1 / (1 - p.dropout);
    for (let b = 0; b < batch; b++) for (let h = 0; h < headsQ; h++) for (let i = 0; i < nq; i++) for (let j = 0; j < nk; j++) {
      if (keeps(p.seed, b, h, i, j, p.dropout)) z.data[((b * headsQ + h) * nq + i) * nk + j] = scale;
    }
    weights = mul(probs, z);
  }
  const out = mul(matmul(weights, rep(v)), rowAny);
  const lse = where(reshape(rowAny, [batch, 1, nq]), logsumexp(masked, -1), -Infinity); // (B, Hq, Nq)
  return { out, lse };
}

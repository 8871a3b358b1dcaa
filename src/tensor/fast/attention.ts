// Scaled dot-product attention: the fused kernel (FlashAttention-2: online softmax, only the row
// log-sum-exp saved, probabilities recomputed in the backward) and its composed fallback, the
// naive softmax(QKᵀ·τ + mask)·V that materialises the (nq, nk) scores.
import type { AttentionParams, FloatArray } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { kernel } from '../engine.ts';
import { record } from '../autograd.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { keeps } from '../../util/keep-mask.ts';
import { contiguous, expand, permute, reshape, transpose } from '../ops/view.ts';
import { matmul } from '../ops/matmul.ts';
import { mul, where } from '../ops/elementwise.ts';
import { softmax } from '../ops/nn.ts';

export interface AttentionOptions {
  /** Bottom-right aligned causal mask: query i sees keys j <= i + (nk - nq). */
  causal?: boolean;
  /** Score scale τ; default 1/sqrt(d). */
  scale?: number;
  /** Valid key count per batch row (key padding). */
  keyLengths?: readonly number[] | Int32Array;
  /** Attention-weight dropout probability (applied only when training is not false). */
  dropout?: number;
  training?: boolean;
  seed?: number;
  /** 'bhnd' (PyTorch SDPA, default) or 'bnhd' (flash-attn). */
  layout?: 'bhnd' | 'bnhd';
  /** 'auto' uses the fused kernel; 'naive' forces the composed path. */
  impl?: 'auto' | 'fused' | 'naive';
}

function params(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): AttentionParams {
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) {
    fail('attention', `q, k, v must be 4-D (batch, heads, n, d), got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  }
  const [batch, headsQ, nq, d] = q.shape;
  const [bk, headsKV, nk, dk] = k.shape;
  if (bk !== batch || dk !== d || v.shape.some((x, i) => x !== k.shape[i])) {
    fail('attention', `k and v must be (${batch}, headsKV, nk, ${d}) and equal, got k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)} for q ${fmtShape(q.shape)}`);
  }
  if (headsQ % headsKV !== 0) fail('attention', `query heads (${headsQ}) must be a multiple of key/value heads (${headsKV})`);
  if (q.dtype !== k.dtype || q.dtype !== v.dtype) fail('attention', `q, k, v must share a dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`);
  let keyLengths: Int32Array | null = null;
  if (opts.keyLengths) {
    if (opts.keyLengths.length !== batch) fail('attention', `keyLengths has ${opts.keyLengths.length} entries, expected one per batch row (${batch})`);
    keyLengths = Int32Array.from(opts.keyLengths);
  }
  const dropout = opts.training === false ? 0 : opts.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) fail('attention', `dropout must be in [0, 1), got ${dropout}`);
  return {
    batch, headsQ, headsKV, nq, nk, d,
    scale: opts.scale ?? 1 / Math.sqrt(d),
    causal: opts.causal ?? false,
    keyLengths, dropout, seed: opts.seed ?? 0,
  };
}

/** Attention over (B, H, N, d) tensors (or (B, N, H, d) with layout 'bnhd'). */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  if (opts.layout === 'bnhd') {
    const toB = (t: Tensor) => permute(t, [0, 2, 1, 3]);
    return permute(attention(toB(q), toB(k), toB(v), { ...opts, layout: 'bhnd' }), [0, 2, 1, 3]);
  }
  const p = params(q, k, v, opts);
  return opts.impl === 'naive' ? attentionNaive(q, k, v, p) : attentionFused(q, k, v, p).out;
}

/** The fused path; also returns the row log-sum-exp (B, Hq, Nq). */
export function attentionFused(q: Tensor, k: Tensor, v: Tensor, p: AttentionParams): { out: Tensor; lse: Tensor } {
  const qc = contiguous(q);
  const kc = contiguous(k);
  const vc = contiguous(v);
  const out = Tensor.empty(q.shape, q.dtype);
  const lse = Tensor.empty([p.batch, p.headsQ, p.nq], q.dtype);
  const buf = (t: Tensor) => t.buffer() as FloatArray;
  kernel('attention', q.dtype)(buf(qc), buf(kc), buf(vc), buf(out), buf(lse), p);
  record(out, 'attention', [q, k, v], (g) => {
    const gq = Tensor.empty(q.shape, q.dtype);
    const gk = Tensor.empty(k.shape, k.dtype);
    const gv = Tensor.empty(v.shape, v.dtype);
    kernel('attentionGrad', q.dtype)(buf(qc), buf(kc), buf(vc), buf(out), buf(lse), buf(contiguous(g)),
      buf(gq), buf(gk), buf(gv), p);
    return [gq, gk, gv];
  });
  return { out, lse };
}

/** The composed fallback: materialises scores and probabilities (O(N²) memory). */
export function attentionNaive(q: Tensor, k: Tensor, v: Tensor, p: AttentionParams): Tensor {
  const { batch, headsQ, headsKV, nq, nk, d } = p;
  const g = headsQ / headsKV;
  // Query head h reads KV head floor(h / g): repeat each KV head g times.
  const rep = (t: Tensor) => (g === 1 ? t : reshape(expand(reshape(t, [batch, headsKV, 1, nk, d]), [batch, headsKV, g, nk, d]), [batch, headsQ, nk, d]));
  const kk = rep(k);
  const vv = rep(v);
  const scores = mul(matmul(q, transpose(kk, -2, -1)), p.scale); // (B, Hq, Nq, Nk)
  const allowed = Tensor.empty([batch, 1, nq, nk], 'u8');
  const rowAny = Tensor.empty([batch, 1, nq, 1], q.dtype);
  for (let b = 0; b < batch; b++) {
    const len = p.keyLengths ? Math.min(p.keyLengths[b], nk) : nk;
    for (let i = 0; i < nq; i++) {
      const end = p.causal ? Math.min(len, i + (nk - nq) + 1) : len;
      for (let j = 0; j < end; j++) allowed.data[(b * nq + i) * nk + j] = 1;
      rowAny.data[b * nq + i] = end > 0 ? 1 : 0;
    }
  }
  // A finite fill keeps fully masked rows NaN-free; they are zeroed by rowAny below.
  const probs = softmax(where(allowed, scores, -1e30), -1);
  let weights = probs;
  if (p.dropout > 0) {
    const z = Tensor.empty([batch, headsQ, nq, nk], q.dtype);
    const scale = 1 / (1 - p.dropout);
    for (let b = 0; b < batch; b++) for (let h = 0; h < headsQ; h++) for (let i = 0; i < nq; i++) for (let j = 0; j < nk; j++) {
      if (keeps(p.seed, b, h, i, j, p.dropout)) z.data[((b * headsQ + h) * nq + i) * nk + j] = scale;
    }
    weights = mul(probs, z);
  }
  return mul(matmul(weights, vv), rowAny);
}

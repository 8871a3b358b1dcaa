// Scaled dot-product attention: the fused kernel (FlashAttention-2: online softmax, only the row
// log-sum-exp saved, probabilities recomputed in the backward) and its composed fallback, the
// naive softmax(QKᵀ·τ + bias, masked)·V that materialises the (nq, nk) scores (attention-naive.ts).
import type { AttentionParams, FloatArray } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { kernel, noGrad } from '../engine.ts';
import { record } from '../autograd.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { contiguous, expand, permute, reshape, slice, squeeze } from '../ops/view.ts';
import { sumTo } from '../ops/reduce.ts';
import { attentionNaive } from './attention-naive.ts';

export { attentionNaive };

export interface AttentionOptions {
  /** Bottom-right aligned causal mask: query i sees keys j <= i + (nk - nq) (flash-attn ≥ 2.1; PyTorch's is_causal is top-left). */
  causal?: boolean;
  /** Score scale τ; default 1/sqrt(d). */
  scale?: number;
  /** Valid key count per batch row (key padding). */
  keyLengths?: readonly number[] | Int32Array;
  /** Additive bias broadcastable to (B, Hq, Nq, Nk), added after scaling and softcap; gets a gradient when it requires one. */
  bias?: Tensor;
  /** ALiBi: per-query-head slopes; adds slope_h·(j − i − (nk − nq)) to the scores. */
  alibiSlopes?: readonly number[];
  /** Sliding window [left, right] around the (bottom-right) diagonal; -1 = unbounded. */
  window?: readonly [number, number];
  /** Softcap c > 0: scores become c·tanh(s / c) (after scaling, before the bias). */
  softcap?: number;
  /** Attention-weight dropout probability (applied only when training is not false). */
  dropout?: number;
  training?: boolean;
  seed?: number;
  /** 'bhnd' (PyTorch SDPA, default) or 'bnhd' (flash-attn). */
  layout?: 'bhnd' | 'bnhd';
  /** 'auto' / 'fused' / 'flash2': the fused kernel (FA2 order); 'flash1': FA1 loop order; 'naive': the composed path. */
  impl?: 'auto' | 'fused' | 'flash2' | 'flash1' | 'naive';
}

/** Validated kernel parameters plus the bias as a kernel-ready (Bb, Hb, nq, nk) tensor. */
export interface PreparedAttention {
  params: AttentionParams;
  bias: Tensor | null;
}

function prepareBias(opts: AttentionOptions, batch: number, headsQ: number, nq: number, nk: number, dtype: Tensor['dtype']): Tensor | null {
  let bias = opts.bias ?? null;
  if (bias) {
    if (bias.ndim > 4) fail('attention', `bias must have at most 4 dims, got ${fmtShape(bias.shape)}`);
    const s4 = [...Array(4 - bias.ndim).fill(1), ...bias.shape];
    const ok = (s4[0] === 1 || s4[0] === batch) && (s4[1] === 1 || s4[1] === headsQ) && (s4[2] === 1 || s4[2] === nq) && (s4[3] === 1 || s4[3] === nk);
    if (!ok) fail('attention', `bias ${fmtShape(bias.shape)} must broadcast to (${batch}, ${headsQ}, ${nq}, ${nk})`);
    if (bias.dtype !== dtype) fail('attention', `bias dtype ${bias.dtype} must match q (${dtype})`);
    bias = reshape(bias, s4);
  }
  if (opts.alibiSlopes) {
    if (opts.alibiSlopes.length !== headsQ) fail('attention', `alibiSlopes has ${opts.alibiSlopes.length} entries, expected one per query head (${headsQ})`);
    const a = Tensor.empty([1, headsQ, nq, nk], dtype);
    const o = nk - nq;
    for (let h = 0; h < headsQ; h++) for (let i = 0; i < nq; i++) for (let j = 0; j < nk; j++) {
      a.data[(h * nq + i) * nk + j] = opts.alibiSlopes[h] * (j - i - o);
    }
    bias = bias ? bias.add(a) : a;
  }
  return bias;
}

/** Checks shapes and options and builds the kernel parameters. */
export function prepareAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): PreparedAttention {
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
  const [wl, wr] = opts.window ?? [-1, -1];
  if (!Number.isInteger(wl) || !Number.isInteger(wr) || wl < -1 || wr < -1) fail('attention', `window must be two integers ≥ -1, got [${wl}, ${wr}]`);
  const softcap = opts.softcap ?? 0;
  if (!(softcap >= 0)) fail('attention', `softcap must be ≥ 0, got ${softcap}`);
  const bias = prepareBias(opts, batch, headsQ, nq, nk, q.dtype);
  return {
    bias,
    params: {
      batch, headsQ, headsKV, nq, nk, d,
      scale: opts.scale ?? 1 / Math.sqrt(d),
      causal: opts.causal ?? false,
      keyLengths, dropout, seed: opts.seed ?? 0,
      windowLeft: wl, windowRight: wr, softcap,
      loopOrder: opts.impl === 'flash1' ? 1 : 2,
    },
  };
}

function toBhnd(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): [Tensor, Tensor, Tensor] {
  if (opts.layout !== 'bnhd') return [q, k, v];
  const toB = (t: Tensor) => permute(t, [0, 2, 1, 3]);
  return [toB(q), toB(k), toB(v)];
}

/** Attention over (B, H, N, d) tensors (or (B, N, H, d) with layout 'bnhd'). */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  return attentionWithLse(q, k, v, opts).out;
}

/**
 * Attention that also returns the row log-sum-exp (B, Hq, Nq) of the scores (−∞ for fully masked
 * rows), for split-KV decoding and chunked or ring attention (see mergeAttention). The naive path
 * computes it from the materialised scores.
 */
export function attentionWithLse(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): { out: Tensor; lse: Tensor } {
  const [qb, kb, vb] = toBhnd(q, k, v, opts);
  const prep = prepareAttention(qb, kb, vb, opts);
  const r = opts.impl === 'naive' ? attentionNaive(qb, kb, vb, prep.params, prep.bias) : attentionFused(qb, kb, vb, prep.params, prep.bias);
  return opts.layout === 'bnhd' ? { out: permute(r.out, [0, 2, 1, 3]), lse: r.lse } : r;
}

/**
 * The fused kernel on contiguous q, k, v; `grad` runs its backward for the output gradient g into
 * the given gq, gk, gv and returns the bias gradient (when the bias needs one).
 */
function fusedForward(q: Tensor, k: Tensor, v: Tensor, p: AttentionParams, bias: Tensor | null) {
  const { batch, headsQ, nq, nk } = p;
  let kp = p;
  if (bias) {
    const [bb, bh] = bias.shape;
    const bc = contiguous(expand(bias, [bb, bh, nq, nk]));
    kp = { ...p, bias: bc.buffer() as FloatArray, biasBatchStride: bb === 1 ? 0 : bh * nq * nk, biasHeadStride: bh === 1 ? 0 : nq * nk };
  }
  const out = Tensor.empty(q.shape, q.dtype);
  const lse = Tensor.empty([batch, headsQ, nq], q.dtype);
  const buf = (t: Tensor) => t.buffer() as FloatArray;
  kernel('attention', q.dtype)(buf(q), buf(k), buf(v), buf(out), buf(lse), kp);
  const grad = (g: Tensor, gq: Tensor, gk: Tensor, gv: Tensor): Tensor | null => {
    const gb = bias?.requiresGrad ? Tensor.empty([batch, headsQ, nq, nk], q.dtype) : null;
    kernel('attentionGrad', q.dtype)(buf(q), buf(k), buf(v), buf(out), buf(lse), buf(contiguous(g)),
      buf(gq), buf(gk), buf(gv), kp, gb ? buf(gb) : null);
    return bias && gb ? sumTo(gb, bias.shape) : null;
  };
  return { out, lse, grad };
}

/** The fused path; also returns the row log-sum-exp (B, Hq, Nq). */
export function attentionFused(q: Tensor, k: Tensor, v: Tensor, p: AttentionParams, bias: Tensor | null = null): { out: Tensor; lse: Tensor } {
  const f = fusedForward(contiguous(q), contiguous(k), contiguous(v), p, bias);
  record(f.out, 'attention', bias ? [q, k, v, bias] : [q, k, v], (g) => {
    const gq = Tensor.empty(q.shape, q.dtype);
    const gk = Tensor.empty(k.shape, k.dtype);
    const gv = Tensor.empty(v.shape, v.dtype);
    const gb = f.grad(g, gq, gk, gv);
    return bias ? [gq, gk, gv, gb] : [gq, gk, gv];
  });
  return { out: f.out, lse: f.lse };
}

/**
 * Fused attention over q, k, v stacked in one (3, B, H, N, d) tensor, as a fused QKV projection
 * gives them. Its backward writes the three gradients into one (3, B, H, N, d) tensor; with three
 * slices of the stack, autograd would build three zero-padded copies of it and add them.
 */
export function attentionPacked(qkv: Tensor, opts: AttentionOptions = {}): Tensor {
  if (qkv.ndim !== 5 || qkv.shape[0] !== 3) fail('attention', `packed q, k, v must be (3, batch, heads, n, d), got ${fmtShape(qkv.shape)}`);
  if (opts.layout === 'bnhd') fail('attention', "packed q, k, v take the 'bhnd' layout only");
  // q, k, v as views of the stack; for the fused path, views the graph does not see
  const split = (t: Tensor) => [0, 1, 2].map((i) => squeeze(slice(t, 0, i, i + 1), 0)) as [Tensor, Tensor, Tensor];
  if (opts.impl === 'naive') return attention(...split(qkv), opts);
  const all = noGrad(() => contiguous(qkv));
  const [q, k, v] = noGrad(() => split(all));
  const prep = prepareAttention(q, k, v, opts);
  const f = fusedForward(q, k, v, prep.params, prep.bias);
  const bias = prep.bias;
  record(f.out, 'attention', bias ? [qkv, bias] : [qkv], (g) => {
    const gall = Tensor.empty(all.shape, all.dtype);
    const gb = f.grad(g, ...noGrad(() => split(gall)));
    return bias ? [gall, gb] : [gall];
  });
  return f.out;
}

// Causal multi-head self-attention with grouped-query heads, optional RoPE and an optional KV
// cache. Scores are one batched matmul over (B, H, T, D) views, with the causal mask added once.
import { Tensor, attention, attentionPacked, concat, defaultRng, matmul, matmulAdd, softmax } from '../../tensor/index.ts';
import type { AttentionOptions as SdpaOptions } from '../../tensor/index.ts';
import { Module } from '../module.ts';
import { Linear } from './linear.ts';
import { Dropout } from './dropout.ts';
import { Rope } from './rope.ts';
import type { Rng } from '../../util/rng.ts';
import { fail, fmtShape } from '../../util/errors.ts';

/** One layer's cache: keys and values (B, Hkv, S, D) seen so far, and the next position. */
export interface KvCache {
  k: Tensor | null;
  v: Tensor | null;
  pos: number;
}

export function createKvCaches(nLayers: number): KvCache[] {
  return Array.from({ length: nLayers }, () => ({ k: null, v: null, pos: 0 }));
}

export interface AttentionOptions {
  dim: number;
  nHeads: number;
  /** Key/value heads (grouped-query attention); defaults to nHeads. */
  nKvHeads?: number;
  /** Defaults to dim / nHeads. */
  headDim?: number;
  bias?: boolean;
  /** One (q, k, v) projection instead of three (GPT-2's c_attn). */
  fusedQkv?: boolean;
  /** RoPE base; omit for none (GPT uses learned positions instead). */
  ropeTheta?: number;
  dropout?: number;
  /**
   * 'matmul': scores by batched matmul, mask added, softmax, then ·V.
   * 'fused' (default): the engine's fused attention kernel (online softmax, no (T, S) scores kept).
   */
  impl?: AttentionImpl;
  rng?: Rng;
}

export type AttentionImpl = 'matmul' | 'fused';

export class CausalSelfAttention extends Module {
  qkvProj: Linear | null = null;
  qProj: Linear | null = null;
  kProj: Linear | null = null;
  vProj: Linear | null = null;
  outProj: Linear;
  attnDrop: Dropout;
  residDrop: Dropout;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly headDim: number;
  readonly rope: Rope | null;
  impl: AttentionImpl;
  private mask: { key: string; t: Tensor } | null = null;

  constructor(opts: AttentionOptions) {
    super();
    const h = opts.nHeads;
    const kvh = opts.nKvHeads ?? h;
    const hd = opts.headDim ?? opts.dim / h;
    if (!Number.isInteger(hd) || hd <= 0) fail('CausalSelfAttention', `dim ${opts.dim} is not divisible by nHeads ${h}`);
    if (h % kvh !== 0) fail('CausalSelfAttention', `nHeads ${h} must be a multiple of nKvHeads ${kvh}`);
    this.nHeads = h;
    this.nKvHeads = kvh;
    this.headDim = hd;
    const o = { bias: opts.bias ?? false, rng: opts.rng };
    if (opts.fusedQkv) {
      this.qkvProj = new Linear(opts.dim, (h + 2 * kvh) * hd, o);
    } else {
      this.qProj = new Linear(opts.dim, h * hd, o);
      this.kProj = new Linear(opts.dim, kvh * hd, o);
      this.vProj = new Linear(opts.dim, kvh * hd, o);
    }
    this.outProj = new Linear(h * hd, opts.dim, o);
    this.attnDrop = new Dropout(opts.dropout ?? 0, opts.rng);
    this.residDrop = new Dropout(opts.dropout ?? 0, opts.rng);
    this.rope = opts.ropeTheta !== undefined ? new Rope(hd, opts.ropeTheta) : null;
    this.impl = opts.impl ?? 'fused';
  }

  /** x (B, T, C) → (B, T, C). With a cache, x holds the new positions cache.pos.. only. */
  forward(x: Tensor, cache?: KvCache): Tensor {
    if (x.ndim !== 3) fail('CausalSelfAttention', `input must be (B, T, C), got ${fmtShape(x.shape)}`);
    const [B, T] = x.shape;
    const { nHeads: H, nKvHeads: KV, headDim: D } = this;
    if (this.impl === 'fused' && !cache && !this.rope && this.qkvProj && KV === H) {
      // training-style call on a fused projection: q, k, v stay stacked, one gradient comes back
      const qkv = this.qkvProj.forward(x).reshape(B, T, 3, H, D).permute(2, 0, 3, 1, 4); // (3, B, H, T, D)
      return this.mixHeads(attentionPacked(qkv, this.fusedOptions()), B, T);
    }
    const start = cache?.pos ?? 0;
    let [q, k, v] = this.project(x); // (B, H, T, D), (B, KV, T, D) x2, contiguous
    if (this.rope) {
      q = this.rope.apply(q, start);
      k = this.rope.apply(k, start);
    }
    if (cache) {
      if (cache.k && cache.v) {
        k = concat([cache.k, k], 2); // (B, KV, S, D)
        v = concat([cache.v, v], 2);
      }
      cache.k = k;
      cache.v = v;
      cache.pos = start + T;
    }
    if (this.impl === 'fused') return this.mixHeads(attention(q, k, v, this.fusedOptions()), B, T);
    const S = k.shape[2];
    if (KV !== H) {
      // repeat_kv: kv head j serves query heads j·rep .. (j+1)·rep-1.
      k = k.unsqueeze(2).expand(B, KV, H / KV, S, D).reshape(B, H, S, D);
      v = v.unsqueeze(2).expand(B, KV, H / KV, S, D).reshape(B, H, S, D);
    }
    const qs = q.mul(1 / Math.sqrt(D));
    // One new token sees every key; otherwise the mask goes into the scores GEMM's output.
    const scores = T === 1 ? matmul(qs, k.T) : matmulAdd(qs, k.T, this.causalMask(T, S)); // (B, H, T, S)
    const att = this.attnDrop.forward(softmax(scores, -1));
    return this.mixHeads(matmul(att, v), B, T);
  }

  /** Causal, with the attention dropout of training and a fresh seed for it. */
  private fusedOptions(): SdpaOptions {
    const dropout = this.training ? this.attnDrop.p : 0;
    return { causal: true, dropout, seed: dropout > 0 ? (this.attnDrop.rng ?? defaultRng()).nextU32() : 0 };
  }

  /** (B, H, T, D) heads → (B, T, H·D) → output projection and residual dropout. */
  private mixHeads(y: Tensor, B: number, T: number): Tensor {
    const { nHeads: H, headDim: D } = this;
    return this.residDrop.forward(this.outProj.forward(y.transpose(1, 2).reshape(B, T, H * D)));
  }

  private project(x: Tensor): [Tensor, Tensor, Tensor] {
    const [B, T] = x.shape;
    const { nHeads: H, nKvHeads: KV, headDim: D } = this;
    const heads = (t: Tensor, n: number) => t.reshape(B, T, n, D).transpose(1, 2).contiguous(); // (B, n, T, D)
    if (this.qProj && this.kProj && this.vProj) {
      return [heads(this.qProj.forward(x), H), heads(this.kProj.forward(x), KV), heads(this.vProj.forward(x), KV)];
    }
    const qkv = this.qkvProj!.forward(x); // (B, T, (H + 2KV)·D)
    if (KV === H) {
      const all = qkv.reshape(B, T, 3, H, D).permute(2, 0, 3, 1, 4).contiguous(); // (3, B, H, T, D)
      return [all.slice(0, 0, 1).squeeze(0), all.slice(0, 1, 2).squeeze(0), all.slice(0, 2, 3).squeeze(0)];
    }
    const q = qkv.slice(-1, 0, H * D);
    const k = qkv.slice(-1, H * D, (H + KV) * D);
    const v = qkv.slice(-1, (H + KV) * D);
    return [heads(q, H), heads(k, KV), heads(v, KV)];
  }

  /** (T, S) additive mask: query i (absolute S-T+i) sees keys j <= S-T+i. Cached per size. */
  private causalMask(T: number, S: number): Tensor {
    const key = `${T},${S}`;
    if (this.mask?.key === key) return this.mask.t;
    const m = Tensor.empty([T, S]);
    for (let i = 0; i < T; i++) for (let j = S - T + i + 1; j < S; j++) m.data[i * S + j] = -Infinity;
    this.mask = { key, t: m };
    return m;
  }
}

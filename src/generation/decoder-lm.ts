// Decoding for the models registry's DecoderLM (GPT and Llama layouts) through the generation
// KvCache: the same weights, run on the engine's kernels over raw rows, with per-row positions
// (left padding, slots at different lengths) that the module's own scalar-position cache cannot express.
import type { DecoderLM } from '../models/index.ts';
import type { Linear, Activation } from '../nn/index.ts';
import type { CausalLm, CausalLmConfig, ForwardStep } from './causal-lm.ts';
import type { KvCache } from './kv-cache.ts';
import { addRows, embedRows, linearRows, mulInPlace, normRows, transposeRows, unaryInPlace } from './kernel-rows.ts';

const f32 = (t: { data: unknown }): Float32Array => t.data as Float32Array;

/**
 * Runs a DecoderLM through a KvCache. It keeps (in, out) copies of the weights made when first used,
 * so build a new runner after changing the model's weights.
 */
export class DecoderLmRunner implements CausalLm {
  readonly config: CausalLmConfig;
  private readonly invFreq: Float64Array;
  private readonly transposed = new Map<Float32Array, Float32Array>();

  constructor(readonly model: DecoderLM) {
    const c = model.config;
    const headDim = c.dim / c.nHeads;
    this.config = { vocabSize: c.vocabSize, contextLength: c.maxSeqLen, nLayers: c.nLayers, nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim };
    this.invFreq = Float64Array.from({ length: headDim / 2 }, (_, i) => 1 / c.ropeTheta ** ((2 * i) / headDim));
  }

  forward(ids: ArrayLike<number>, b: number, t: number, cache: KvCache, step: ForwardStep = {}): Float32Array {
    const m = this.model;
    const c = m.config;
    const { nHeads: H, nKvHeads: KV, headDim: D } = this.config;
    const pos = cache.begin(b, t, step);
    const rows = b * t;
    const wte = f32(m.wte.weight);
    let x = embedRows(wte, ids, c.dim); // (B·T, C)
    if (m.wpe) addRows(x, embedRows(f32(m.wpe.weight), pos, c.dim), rows, c.dim);
    m.blocks.items.forEach((blk, l) => {
      const h = this.norm(x, blk.ln1, rows);
      const a = blk.attn;
      let q: Float32Array;
      let k: Float32Array;
      let v: Float32Array;
      if (a.qkvProj) {
        const qkv = this.linear(h, a.qkvProj, rows); // (rows, (H + 2KV)·D): [q | k | v]
        [q, k, v] = splitRows(qkv, rows, [H * D, KV * D, KV * D]);
      } else {
        [q, k, v] = [this.linear(h, a.qProj!, rows), this.linear(h, a.kProj!, rows), this.linear(h, a.vProj!, rows)];
      }
      if (a.rope) { this.rope(q, pos, H); this.rope(k, pos, KV); }
      addRows(x, this.linear(cache.attend(l, q, k, v), a.outProj, rows), rows, c.dim);
      const h2 = this.norm(x, blk.ln2, rows);
      const mlp = blk.mlp;
      const f = 'fc' in mlp
        ? this.linear(unaryInPlace(mlp.activation, this.linear(h2, mlp.fc, rows)), mlp.proj, rows)
        : this.linear(mulInPlace(unaryInPlace('silu', this.linear(h2, mlp.gate, rows)), this.linear(h2, mlp.up, rows)), mlp.down, rows);
      addRows(x, f, rows, c.dim);
    });
    cache.end();
    let outRows = rows;
    if (step.lastOnly) {
      const last = new Float32Array(b * c.dim);
      for (let i = 0; i < b; i++) last.set(x.subarray(((i + 1) * t - 1) * c.dim, (i + 1) * t * c.dim), i * c.dim);
      x = last;
      outRows = b;
    }
    const hf = this.norm(x, m.lnF, outRows);
    return m.lmHead ? this.linear(hf, m.lmHead, outRows) : linearRows(hf, this.weightT(wte, c.vocabSize, c.dim), null, outRows, c.dim, c.vocabSize); // (rows, V)
  }

  private linear(x: Float32Array, l: Linear, rows: number): Float32Array {
    const [out, inF] = l.weight.shape;
    return linearRows(x, this.weightT(f32(l.weight), out, inF), l.bias ? f32(l.bias) : null, rows, inF, out);
  }

  private weightT(w: Float32Array, n: number, k: number): Float32Array {
    let wt = this.transposed.get(w);
    if (!wt) this.transposed.set(w, wt = transposeRows(w, n, k));
    return wt;
  }

  private norm(x: Float32Array, n: DecoderLM['lnF'], rows: number): Float32Array {
    const dim = this.model.config.dim;
    return 'bias' in n
      ? normRows(x, f32(n.weight), n.bias ? f32(n.bias) : null, rows, dim, n.eps, false)
      : normRows(x, f32(n.weight), null, rows, dim, n.eps, true);
  }

  // Rotary embedding, Hugging Face rotate-half convention, at each row's own position.
  private rope(x: Float32Array, pos: Int32Array, heads: number): void {
    const d = this.config.headDim;
    const half = d / 2;
    for (let r = 0; r < pos.length; r++) {
      for (let i = 0; i < half; i++) {
        const ang = pos[r] * this.invFreq[i];
        const cs = Math.cos(ang);
        const sn = Math.sin(ang);
        for (let h = 0; h < heads; h++) {
          const o = (r * heads + h) * d;
          const x1 = x[o + i];
          const x2 = x[o + i + half];
          x[o + i] = x1 * cs - x2 * sn;
          x[o + i + half] = x2 * cs + x1 * sn;
        }
      }
    }
  }
}

function splitRows(x: Float32Array, rows: number, widths: number[]): Float32Array[] {
  const total = widths.reduce((a, w) => a + w, 0);
  let off = 0;
  return widths.map((w) => {
    const part = new Float32Array(rows * w);
    for (let r = 0; r < rows; r++) part.set(x.subarray(r * total + off, r * total + off + w), r * w);
    off += w;
    return part;
  });
}

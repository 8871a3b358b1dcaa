// Decoding for the models registry's DecoderLM (GPT and Llama layouts) through the generation
// KvCache: the same weights, run on the row-wise kernels, with per-row positions (left padding,
// slots at different lengths) that the module's own scalar-position cache cannot express.
import type { DecoderLM } from '../models/index.ts';
import type { Linear, Activation } from '../nn/index.ts';
import { erf } from '../backends/reference/math.ts';
import type { CausalLm, CausalLmConfig, ForwardStep } from './causal-lm.ts';
import type { KvCache } from './kv-cache.ts';
import { addBiasRows, addInPlace, layerNormRows, linearRowsTransposed, rmsNormRows } from './row-ops.ts';

const f32 = (t: { data: unknown }): Float32Array => t.data as Float32Array;

export class DecoderLmRunner implements CausalLm {
  readonly config: CausalLmConfig;
  private readonly invFreq: Float64Array;

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
    let x = new Float32Array(rows * c.dim); // (B·T, C)
    for (let r = 0; r < rows; r++) x.set(wte.subarray(ids[r] * c.dim, (ids[r] + 1) * c.dim), r * c.dim);
    if (m.wpe) addPositions(x, f32(m.wpe.weight), pos, c.dim);
    m.blocks.items.forEach((blk, l) => {
      const h = this.norm(x, blk.ln1, rows);
      const a = blk.attn;
      let q: Float32Array;
      let k: Float32Array;
      let v: Float32Array;
      if (a.qkvProj) {
        const qkv = linear(h, a.qkvProj, rows); // (rows, (H + 2KV)·D): [q | k | v]
        [q, k, v] = splitRows(qkv, rows, [H * D, KV * D, KV * D]);
      } else {
        [q, k, v] = [linear(h, a.qProj!, rows), linear(h, a.kProj!, rows), linear(h, a.vProj!, rows)];
      }
      if (a.rope) { this.rope(q, pos, H); this.rope(k, pos, KV); }
      addInPlace(x, linear(cache.attend(l, q, k, v), a.outProj, rows));
      const h2 = this.norm(x, blk.ln2, rows);
      const mlp = blk.mlp;
      const f = 'fc' in mlp
        ? linear(activate(linear(h2, mlp.fc, rows), mlp.activation), mlp.proj, rows)
        : linear(swiglu(linear(h2, mlp.gate, rows), linear(h2, mlp.up, rows)), mlp.down, rows);
      addInPlace(x, f);
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
    return m.lmHead ? linear(hf, m.lmHead, outRows) : linearRowsTransposed(hf, wte, outRows, c.dim, c.vocabSize); // (rows, V)
  }

  private norm(x: Float32Array, n: DecoderLM['lnF'], rows: number): Float32Array {
    const dim = this.model.config.dim;
    return 'bias' in n ? layerNormRows(x, f32(n.weight), n.bias ? f32(n.bias) : null, rows, dim, n.eps) : rmsNormRows(x, f32(n.weight), rows, dim, n.eps);
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

function linear(x: Float32Array, l: Linear, rows: number): Float32Array {
  const [out, inF] = l.weight.shape;
  const y = linearRowsTransposed(x, f32(l.weight), rows, inF, out);
  return l.bias ? addBiasRows(y, f32(l.bias)) : y;
}

function addPositions(x: Float32Array, wpe: Float32Array, pos: Int32Array, dim: number): void {
  for (let r = 0; r < pos.length; r++) for (let j = 0; j < dim; j++) x[r * dim + j] += wpe[pos[r] * dim + j];
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

function activate(x: Float32Array, act: Activation): Float32Array {
  const k = Math.sqrt(2 / Math.PI);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = act === 'gelu' ? 0.5 * v * (1 + erf(v / Math.SQRT2))
      : act === 'geluTanh' ? 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v)))
        : act === 'relu' ? Math.max(0, v) : v / (1 + Math.exp(-v));
  }
  return x;
}

function swiglu(gate: Float32Array, up: Float32Array): Float32Array {
  for (let i = 0; i < gate.length; i++) gate[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
  return gate;
}

// A small GPT-2-style decoder (learned positions, pre-LayerNorm blocks, GELU MLP, tied embeddings)
// with GPT-2's checkpoint names and (in, out) weight layout. It is the generation layer's own test
// and draft model: cached decoding on row-wise kernels through KvCache, and a full-sequence forward
// on tensor ops with autograd for training it (tests check the two agree).
import {
  Parameter, Tensor, add, embedding, layerNorm, matmul, randn, reshape, softmax, tensor, transpose, zeros, ones,
  slice, crossEntropy, permute,
} from '../tensor/index.ts';
import { addInPlace, geluInPlace, layerNormRows, linearRows, linearRowsTransposed } from './row-ops.ts';
import { Rng } from '../util/rng.ts';
import { check } from '../util/errors.ts';
import type { CausalLm, CausalLmConfig, ForwardStep } from './causal-lm.ts';
import type { KvCache } from './kv-cache.ts';

export interface MiniGptConfig {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly dModel: number;
  readonly nLayers: number;
  readonly nHeads: number;
}

export class MiniGpt implements CausalLm {
  readonly spec: MiniGptConfig;
  readonly config: CausalLmConfig;
  readonly params: Map<string, Parameter>;

  constructor(spec: MiniGptConfig, params: Map<string, Parameter>) {
    check(spec.dModel % spec.nHeads === 0, 'MiniGpt', `dModel (${spec.dModel}) must be a multiple of nHeads (${spec.nHeads})`);
    this.spec = { ...spec };
    this.config = {
      vocabSize: spec.vocabSize, contextLength: spec.contextLength, nLayers: spec.nLayers,
      nHeads: spec.nHeads, nKvHeads: spec.nHeads, headDim: spec.dModel / spec.nHeads,
    };
    for (const [name, shape] of parameterShapes(spec)) {
      const p = params.get(name);
      check(p !== undefined, 'MiniGpt', `missing parameter '${name}'`);
      check(p.shape.join() === shape.join(), 'MiniGpt', `parameter '${name}' has shape [${p.shape}], expected [${shape}]`);
    }
    this.params = params;
  }

  /** GPT-2 initialisation (std 0.02, residual projections scaled by 1/sqrt(2·layers)), seeded. */
  static init(spec: MiniGptConfig, seed = 0, std = 0.02): MiniGpt {
    const rng = new Rng(seed);
    const params = new Map<string, Parameter>();
    for (const [name, shape] of parameterShapes(spec)) {
      let t: Tensor;
      if (name.endsWith('.bias')) t = zeros(shape);
      else if (/ln_\d\.weight$|ln_f\.weight$/.test(name)) t = ones(shape);
      else t = randn(shape, { rng, std: name.endsWith('c_proj.weight') ? std / Math.sqrt(2 * spec.nLayers) : std });
      params.set(name, new Parameter(t, { name }));
    }
    return new MiniGpt(spec, params);
  }

  private p(name: string): Parameter {
    return this.params.get(name)!;
  }

  forward(ids: ArrayLike<number>, b: number, t: number, cache: KvCache, step: ForwardStep = {}): Float32Array {
    const { dModel: c, vocabSize: v } = this.spec;
    const w = (name: string): Float32Array => this.params.get(name)!.data as Float32Array;
    const pos = cache.begin(b, t, step);
    const rows = b * t;
    const wte = w('wte.weight');
    const wpe = w('wpe.weight');
    let x = new Float32Array(rows * c); // (B·T, C)
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < c; j++) x[r * c + j] = wte[ids[r] * c + j] + wpe[pos[r] * c + j];
    }
    for (let l = 0; l < this.spec.nLayers; l++) {
      const pre = `h.${l}.`;
      const h = layerNormRows(x, w(pre + 'ln_1.weight'), w(pre + 'ln_1.bias'), rows, c);
      const qkv = linearRows(h, w(pre + 'attn.c_attn.weight'), w(pre + 'attn.c_attn.bias'), rows, c, 3 * c); // (B·T, 3C)
      const [q, k, vv] = splitColumns(qkv, rows, c);
      const a = cache.attend(l, q, k, vv); // (B·T, C)
      addInPlace(x, linearRows(a, w(pre + 'attn.c_proj.weight'), w(pre + 'attn.c_proj.bias'), rows, c, c));
      const m = layerNormRows(x, w(pre + 'ln_2.weight'), w(pre + 'ln_2.bias'), rows, c);
      const f = geluInPlace(linearRows(m, w(pre + 'mlp.c_fc.weight'), w(pre + 'mlp.c_fc.bias'), rows, c, 4 * c)); // (B·T, 4C)
      addInPlace(x, linearRows(f, w(pre + 'mlp.c_proj.weight'), w(pre + 'mlp.c_proj.bias'), rows, 4 * c, c));
    }
    cache.end();
    let outRows = rows;
    if (step.lastOnly) {
      const last = new Float32Array(b * c);
      for (let i = 0; i < b; i++) last.set(x.subarray(((i + 1) * t - 1) * c, (i + 1) * t * c), i * c);
      x = last;
      outRows = b;
    }
    const hf = layerNormRows(x, w('ln_f.weight'), w('ln_f.bias'), outRows, c);
    return linearRowsTransposed(hf, wte, outRows, c, v); // (B, T or 1, V), tied embeddings
  }

  /** Logits (B, T, V) of a whole batch of sequences from position 0, recorded for autograd. */
  forwardFull(ids: Tensor): Tensor {
    const [b, t] = ids.shape;
    const { dModel: c, nHeads } = this.spec;
    const d = c / nHeads;
    const pos = tensor(Int32Array.from({ length: b * t }, (_, i) => i % t), [b, t]);
    const mask = tensor(Float32Array.from({ length: t * t }, (_, i) => (i % t > Math.floor(i / t) ? -1e9 : 0)), [t, t]);
    let x = this.embed(ids, pos);
    for (let l = 0; l < this.spec.nLayers; l++) {
      const pre = `h.${l}.`;
      const h = layerNorm(x, this.p(pre + 'ln_1.weight'), this.p(pre + 'ln_1.bias'));
      const qkv = this.linear(h, pre + 'attn.c_attn'); // (B, T, 3C)
      const heads = (i: number): Tensor => permute(reshape(slice(qkv, 2, i * c, (i + 1) * c), [b, t, nHeads, d]), [0, 2, 1, 3]); // (B, H, T, D)
      const att = softmax(add(matmul(heads(0), transpose(heads(1))).mul(1 / Math.sqrt(d)), mask)); // (B, H, T, T)
      const y = reshape(permute(matmul(att, heads(2)), [0, 2, 1, 3]), [b, t, c]); // (B, T, C)
      x = add(x, this.linear(y, pre + 'attn.c_proj'));
      x = add(x, this.mlp(x, pre));
    }
    return this.head(x);
  }

  /** Mean next-token cross-entropy of ids (B, T) against targets (B, T). */
  loss(ids: Tensor, targets: Tensor): Tensor {
    const logits = this.forwardFull(ids);
    return crossEntropy(reshape(logits, [-1, this.spec.vocabSize]), reshape(targets, [-1]));
  }

  private embed(ids: Tensor, pos: Tensor): Tensor {
    return add(embedding(this.p('wte.weight'), ids), embedding(this.p('wpe.weight'), pos));
  }

  private linear(x: Tensor, name: string): Tensor {
    return add(matmul(x, this.p(name + '.weight')), this.p(name + '.bias'));
  }

  private mlp(x: Tensor, pre: string): Tensor {
    const h = layerNorm(x, this.p(pre + 'ln_2.weight'), this.p(pre + 'ln_2.bias'));
    return this.linear(this.linear(h, pre + 'mlp.c_fc').gelu('tanh'), pre + 'mlp.c_proj');
  }

  private head(x: Tensor): Tensor {
    const h = layerNorm(x, this.p('ln_f.weight'), this.p('ln_f.bias'));
    return matmul(h, transpose(this.p('wte.weight'))); // (B, T, V), tied embeddings
  }
}

/** Every parameter's GPT-2 name and shape, in checkpoint order. */
export function parameterShapes(s: MiniGptConfig): [string, number[]][] {
  const c = s.dModel;
  const out: [string, number[]][] = [['wte.weight', [s.vocabSize, c]], ['wpe.weight', [s.contextLength, c]]];
  for (let l = 0; l < s.nLayers; l++) {
    const pre = `h.${l}.`;
    out.push(
      [pre + 'ln_1.weight', [c]], [pre + 'ln_1.bias', [c]],
      [pre + 'attn.c_attn.weight', [c, 3 * c]], [pre + 'attn.c_attn.bias', [3 * c]],
      [pre + 'attn.c_proj.weight', [c, c]], [pre + 'attn.c_proj.bias', [c]],
      [pre + 'ln_2.weight', [c]], [pre + 'ln_2.bias', [c]],
      [pre + 'mlp.c_fc.weight', [c, 4 * c]], [pre + 'mlp.c_fc.bias', [4 * c]],
      [pre + 'mlp.c_proj.weight', [4 * c, c]], [pre + 'mlp.c_proj.bias', [c]],
    );
  }
  out.push(['ln_f.weight', [c]], ['ln_f.bias', [c]]);
  return out;
}

/** Splits rows of [q | k | v] (rows, 3C) into three (rows, C) arrays. */
function splitColumns(qkv: Float32Array, rows: number, c: number): [Float32Array, Float32Array, Float32Array] {
  const parts: [Float32Array, Float32Array, Float32Array] = [new Float32Array(rows * c), new Float32Array(rows * c), new Float32Array(rows * c)];
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < 3; i++) parts[i].set(qkv.subarray(r * 3 * c + i * c, r * 3 * c + (i + 1) * c), r * c);
  }
  return parts;
}

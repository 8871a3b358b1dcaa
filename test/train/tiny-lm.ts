// A tiny causal LM for trainer tests: token embedding + previous-token embedding, tanh, linear
// head, with dropout so the RNG state matters for exact resume. Plus a plain AdamW over the
// engine's adamw kernel, so these tests depend only on the tensor core.
import { Parameter, add, dropout, embedding, kernel, matmul, randn, tanh, tensor, zeros, type Tensor } from '../../src/tensor/index.ts';
import type { LanguageModel, OptimizerState, TrainOptimizer } from '../../src/train/types.ts';
import { Rng } from '../../src/util/rng.ts';

export class TinyLm implements LanguageModel {
  readonly params: [string, Parameter][];
  private training = true;

  constructor(readonly vocab: number, readonly dim: number, seed: number, readonly p = 0.1) {
    const rng = new Rng(seed);
    this.params = [
      ['tok', new Parameter(randn([vocab, dim], { rng, std: 0.5 }))],
      ['prev', new Parameter(randn([vocab, dim], { rng, std: 0.5 }))],
      ['head', new Parameter(randn([dim, vocab], { rng, std: 0.3 }))],
      ['bias', new Parameter(zeros([vocab]))],
    ];
  }

  namedParameters(): [string, Parameter][] { return this.params; }
  train(mode = true): void { this.training = mode; }
  eval(): void { this.training = false; }

  forward(ids: Tensor): Tensor {
    const [tok, prev, head, bias] = this.params.map(([, p]) => p) as [Parameter, Parameter, Parameter, Parameter];
    const [B, T] = ids.shape as [number, number];
    // The previous token of position t (position 0 sees itself).
    const src = ids.contiguous().buffer() as Int32Array;
    const prevIds = new Int32Array(B * T);
    for (let i = 0; i < B * T; i++) prevIds[i] = src[i % T === 0 ? i : i - 1]!;
    const shifted = tensor(prevIds, [B, T]); // (B, T)
    let h = tanh(add(embedding(tok, ids), embedding(prev, shifted))); // (B, T, d)
    h = dropout(h, this.p, { training: this.training });
    return add(matmul(h, head), bias); // (B, T, V)
  }
}

export class TestAdamW implements TrainOptimizer {
  lr = 1e-2;
  private t = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(private readonly params: Parameter[], private readonly weightDecay = 0.01) {
    this.m = params.map((p) => new Float32Array(p.numel));
    this.v = params.map((p) => new Float32Array(p.numel));
  }

  step(): void {
    this.t++;
    const h = { lr: this.lr, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: this.weightDecay, step: this.t };
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      kernel('adamw')(p.buffer() as Float32Array, p.grad.contiguous().buffer() as Float32Array, this.m[i]!, this.v[i]!, h);
    });
  }

  zeroGrad(): void { for (const p of this.params) p.grad = null; }

  state(): OptimizerState {
    const tensors: Record<string, Float32Array> = {};
    this.params.forEach((_, i) => { tensors[`${i}.m`] = this.m[i]!; tensors[`${i}.v`] = this.v[i]!; });
    return { tensors, scalars: { t: this.t } };
  }

  loadState(s: OptimizerState): void {
    this.t = s.scalars.t!;
    this.params.forEach((_, i) => { this.m[i]!.set(s.tensors[`${i}.m`]!); this.v[i]!.set(s.tensors[`${i}.v`]!); });
  }
}

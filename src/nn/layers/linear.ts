// Linear and Embedding: the two layers that hold weight matrices.
import { Parameter, Tensor, embedding, matmul } from '../../tensor/index.ts';
import { Module } from '../module.ts';
import { kaimingUniform, normal, uniform } from '../init.ts';
import type { Rng } from '../../util/rng.ts';
import { fail, fmtShape } from '../../util/errors.ts';

export interface LinearOptions {
  bias?: boolean;
  rng?: Rng;
}

/** y = x·Wᵀ + b with W stored (out, in), as PyTorch; the transpose is a view, never a copy. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    // PyTorch's default init: kaiming_uniform(a=√5) for W, U(±1/√in) for b.
    this.weight = new Parameter(kaimingUniform(Tensor.empty([outFeatures, inFeatures]), Math.sqrt(5), opts.rng));
    const b = 1 / Math.sqrt(inFeatures);
    this.bias = opts.bias ?? true ? new Parameter(uniform(Tensor.empty([outFeatures]), -b, b, opts.rng)) : null;
  }

  forward(x: Tensor): Tensor {
    return this.hooked(() => {
      if (x.shape[x.ndim - 1] !== this.inFeatures) {
        fail('Linear', `input ${fmtShape(x.shape)} must end in ${this.inFeatures} features`);
      }
      const y = matmul(x, this.weight.T); // (..., out)
      return this.bias ? y.add(this.bias) : y;
    });
  }
}

export interface EmbeddingOptions {
  rng?: Rng;
}

/** A (num, dim) table looked up by i32 ids; attend() is the tied output projection x·Eᵀ. */
export class Embedding extends Module {
  weight: Parameter;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    this.weight = new Parameter(normal(Tensor.empty([numEmbeddings, embeddingDim]), 1, 0, opts.rng));
  }

  forward(ids: Tensor): Tensor {
    return this.hooked(() => embedding(this.weight, ids)); // (..., dim)
  }

  /** Logits against every row of the table: x (..., dim) → (..., num). */
  attend(x: Tensor): Tensor {
    return this.hooked(() => matmul(x, this.weight.T));
  }
}

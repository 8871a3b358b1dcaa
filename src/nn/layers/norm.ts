// Normalisation layers over the last axis, each one fused kernel forward and backward.
import { Parameter, Tensor, layerNorm, rmsNorm, ones, zeros } from '../../tensor/index.ts';
import { Module } from '../module.ts';

export interface LayerNormOptions {
  eps?: number;
  bias?: boolean;
}

export class LayerNorm extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly eps: number;

  constructor(readonly dim: number, opts: LayerNormOptions = {}) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.weight = new Parameter(ones([dim]));
    this.bias = opts.bias ?? true ? new Parameter(zeros([dim])) : null;
  }

  forward(x: Tensor): Tensor {
    return this.hooked(() => layerNorm(x, this.weight, this.bias, this.eps));
  }
}

export interface RMSNormOptions {
  eps?: number;
}

export class RMSNorm extends Module {
  weight: Parameter;
  readonly eps: number;

  constructor(readonly dim: number, opts: RMSNormOptions = {}) {
    super();
    this.eps = opts.eps ?? 1e-6;
    this.weight = new Parameter(ones([dim]));
  }

  forward(x: Tensor): Tensor {
    return this.hooked(() => rmsNorm(x, this.weight, this.eps));
  }
}

// Feed-forward blocks: the GPT MLP (fc → GELU → proj) and the Llama SwiGLU (down(silu(gate)·up)).
import { Tensor } from '../../tensor/index.ts';
import { Module } from '../module.ts';
import { Linear } from './linear.ts';
import { Dropout } from './dropout.ts';
import type { Rng } from '../../util/rng.ts';

export type Activation = 'gelu' | 'geluTanh' | 'relu' | 'silu';

export function activate(x: Tensor, act: Activation): Tensor {
  switch (act) {
    case 'gelu': return x.gelu();
    case 'geluTanh': return x.gelu('tanh');
    case 'relu': return x.relu();
    case 'silu': return x.silu();
  }
}

export interface MLPOptions {
  bias?: boolean;
  activation?: Activation;
  dropout?: number;
  rng?: Rng;
}

export class MLP extends Module {
  fc: Linear;
  proj: Linear;
  drop: Dropout;
  readonly activation: Activation;

  constructor(dim: number, hidden: number, opts: MLPOptions = {}) {
    super();
    this.fc = new Linear(dim, hidden, { bias: opts.bias ?? true, rng: opts.rng });
    this.proj = new Linear(hidden, dim, { bias: opts.bias ?? true, rng: opts.rng });
    this.drop = new Dropout(opts.dropout ?? 0);
    this.activation = opts.activation ?? 'gelu';
  }

  forward(x: Tensor): Tensor {
    return this.drop.forward(this.proj.forward(activate(this.fc.forward(x), this.activation)));
  }
}

export class SwiGLU extends Module {
  gate: Linear;
  up: Linear;
  down: Linear;

  constructor(dim: number, hidden: number, opts: { bias?: boolean; rng?: Rng } = {}) {
    super();
    const o = { bias: opts.bias ?? false, rng: opts.rng };
    this.gate = new Linear(dim, hidden, o);
    this.up = new Linear(dim, hidden, o);
    this.down = new Linear(hidden, dim, o);
  }

  forward(x: Tensor): Tensor {
    return this.down.forward(this.gate.forward(x).silu().mul(this.up.forward(x)));
  }
}

// Inverted dropout that is the identity in eval mode.
import { Tensor, dropout } from '../../tensor/index.ts';
import { Module } from '../module.ts';
import type { Rng } from '../../util/rng.ts';
import { fail } from '../../util/errors.ts';

export class Dropout extends Module {
  constructor(readonly p = 0, readonly rng?: Rng) {
    super();
    if (!(p >= 0 && p < 1)) fail('Dropout', `p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return this.p === 0 || !this.training ? x : dropout(x, this.p, { training: true, rng: this.rng });
  }
}

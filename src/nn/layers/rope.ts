// Rotary position embeddings in the Hugging Face Llama convention: the head dimension is split in
// two halves (rotate_half), not interleaved pairs, so HF checkpoints load without permuting.
import { Tensor, concat, slice } from '../../tensor/index.ts';
import { fail, fmtShape } from '../../util/errors.ts';

export class Rope {
  private cos: Tensor | null = null; // (maxPos, D)
  private sin: Tensor | null = null;

  constructor(readonly headDim: number, readonly theta = 10000) {
    if (headDim % 2 !== 0) fail('Rope', `headDim must be even, got ${headDim}`);
  }

  /** cos and sin tables for positions [start, start + n), each (n, D). */
  tables(start: number, n: number): [Tensor, Tensor] {
    const need = start + n;
    if (!this.cos || this.cos.shape[0] < need) this.build(Math.max(need, 2 * (this.cos?.shape[0] ?? 0), 64));
    return [slice(this.cos!, 0, start, need), slice(this.sin!, 0, start, need)];
  }

  private build(len: number): void {
    const d = this.headDim;
    const half = d / 2;
    const cos = Tensor.empty([len, d]);
    const sin = Tensor.empty([len, d]);
    for (let i = 0; i < half; i++) {
      const invFreq = 1 / this.theta ** ((2 * i) / d);
      for (let t = 0; t < len; t++) {
        const a = t * invFreq;
        cos.data[t * d + i] = cos.data[t * d + i + half] = Math.cos(a);
        sin.data[t * d + i] = sin.data[t * d + i + half] = Math.sin(a);
      }
    }
    this.cos = cos;
    this.sin = sin;
  }

  /** x (..., T, D) at absolute positions start.. → x·cos + rotate_half(x)·sin. */
  apply(x: Tensor, start = 0): Tensor {
    const d = x.shape[x.ndim - 1];
    if (d !== this.headDim) fail('Rope.apply', `input ${fmtShape(x.shape)} must end in headDim ${this.headDim}`);
    const [cos, sin] = this.tables(start, x.shape[x.ndim - 2]);
    return x.mul(cos).add(rotateHalf(x).mul(sin));
  }
}

/** (x1, x2) → (-x2, x1) over the two halves of the last axis. */
export function rotateHalf(x: Tensor): Tensor {
  const h = x.shape[x.ndim - 1] / 2;
  return concat([slice(x, -1, h).neg(), slice(x, -1, 0, h)], -1);
}

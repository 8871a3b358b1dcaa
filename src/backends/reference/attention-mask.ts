// What every reference attention kernel shares: the fixed key block, which keys a query row may
// see, and how a raw dot product becomes a score.
import type { AttentionParams } from '../../spec/backend.ts';
import { keyRange } from '../../util/attention-range.ts';

export { keyRange };

/** Key block width; fixed, never chosen from the shapes, so a row's rounding is batch-invariant. */
export const KEY_BLOCK = 64;

/** Score of (b, h, i, j) from its raw dot product: scale, then softcap, then bias (spec §2.1 order). */
export function scoreOf(p: AttentionParams, b: number, h: number, i: number, j: number, dot: number): number {
  let x = dot * p.scale;
  const c = p.softcap ?? 0;
  if (c > 0) x = c * Math.tanh(x / c);
  if (p.bias) x += p.bias[b * (p.biasBatchStride ?? 0) + h * (p.biasHeadStride ?? 0) + i * p.nk + j];
  return x;
}

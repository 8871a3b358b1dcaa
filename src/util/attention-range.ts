// Which keys a query row may see, shared by the fused kernels and the composed fallback so both
// mask exactly the same entries.
import type { AttentionParams } from '../spec/backend.ts';

/** The half-open key range [lo, hi) query i of batch row b may see (bottom-right causal, window, padding). */
export function keyRange(p: AttentionParams, b: number, i: number): [number, number] {
  const len = Math.max(0, p.keyLengths ? Math.min(p.keyLengths[b], p.nk) : p.nk);
  const o = p.nk - p.nq;
  let hi = len;
  let lo = 0;
  if (p.causal) hi = Math.min(hi, i + o + 1);
  const wl = p.windowLeft ?? -1;
  const wr = p.windowRight ?? -1;
  if (wr >= 0) hi = Math.min(hi, i + o + wr + 1);
  if (wl >= 0) lo = Math.max(lo, i + o - wl);
  return [lo, hi];
}

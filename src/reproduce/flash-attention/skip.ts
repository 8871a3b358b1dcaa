// F-5 and F-6: tiles the native forward executes under a causal mask (counted inside the kernel)
// against the closed form, and the matmul FLOPs of fused vs standard forward + backward.
import * as T from '../../tensor/index.ts';
import { loadNativeAddon } from '../../backends/native/index.ts';
import { NATIVE_ATTENTION_TILE } from '../../backends/native/attention.ts';

/** Closed form [derived]: Σ_r min(T_c, max(0, ⌊e_r/B_c⌋ + 1)), e_r = min((r+1)·B_r, N_q) − 1 + o. */
export function tilesClosed(nq: number, nk: number, br: number, bc: number): number {
  const tr = Math.ceil(nq / br);
  const tc = Math.ceil(nk / bc);
  let s = 0;
  for (let r = 0; r < tr; r++) {
    const e = Math.min((r + 1) * br, nq) - 1 + (nk - nq);
    s += Math.min(tc, Math.max(0, Math.floor(e / bc) + 1));
  }
  return s;
}

/** (rows, cols) of every executed causal tile, per the same rule (for the FLOP count). */
export function causalTiles(nq: number, nk: number, br: number, bc: number): { rows: number; cols: number }[] {
  const out: { rows: number; cols: number }[] = [];
  for (let i0 = 0; i0 < nq; i0 += br) {
    const e = Math.min(i0 + br, nq) - 1 + (nk - nq);
    for (let j0 = 0; j0 <= e && j0 < nk; j0 += bc) out.push({ rows: Math.min(br, nq - i0), cols: Math.min(bc, nk - j0) });
  }
  return out;
}

export interface TileRow { nq: number; nk: number; causal: boolean; counted: number; closed: number; flops: number }

/** Runs the native forward (one head) and reads back how many tiles it executed. */
export function countTiles(nq: number, nk: number, causal: boolean): TileRow | null {
  const addon = loadNativeAddon();
  if (!addon) return null;
  const d = 64;
  const { br, bc } = NATIVE_ATTENTION_TILE;
  const q = T.randn([1, 1, nq, d]);
  const k = T.randn([1, 1, nk, d]);
  addon.attentionTiles();
  T.noGrad(() => T.attention(q, k, k, { causal }));
  const counted = addon.attentionTiles();
  const closed = causal ? tilesClosed(nq, nk, br, bc) : Math.ceil(nq / br) * Math.ceil(nk / bc);
  const tiles = causal ? causalTiles(nq, nk, br, bc) : fullTiles(nq, nk, br, bc);
  // The kernel's tile list is the closed form's when the counts agree; FLOPs are 4·d per pair.
  const flops = tiles.reduce((a, t) => a + 4 * d * t.rows * t.cols, 0);
  return { nq, nk, causal, counted, closed, flops };
}

export function fullTiles(nq: number, nk: number, br: number, bc: number): { rows: number; cols: number }[] {
  const out: { rows: number; cols: number }[] = [];
  for (let i0 = 0; i0 < nq; i0 += br) for (let j0 = 0; j0 < nk; j0 += bc) out.push({ rows: Math.min(br, nq - i0), cols: Math.min(bc, nk - j0) });
  return out;
}

// Reference fused attention, FlashAttention-2 loop order: each query row streams key blocks of a
// fixed width from key 0 with an online softmax (running max m, running sum l, unnormalised
// output acc), and saves only its log-sum-exp. The backward recomputes the probabilities from it.
import type { AttentionParams, FloatArray, Kernels } from '../../spec/backend.ts';
import { keeps } from '../../util/keep-mask.ts';

/** Key block width; fixed, never chosen from the shapes, so a row's rounding is batch-invariant. */
export const KEY_BLOCK = 64;

/** Last key index visible to query i (exclusive bound), or -1 none; causal is bottom-right aligned. */
function keyEnd(p: AttentionParams, b: number, i: number): number {
  const len = p.keyLengths ? Math.min(p.keyLengths[b], p.nk) : p.nk;
  return p.causal ? Math.min(len, i + (p.nk - p.nq) + 1) : len;
}

export const attention: Kernels['attention'] = (q, k, v, out, lse, p) => {
  const { d, nq, nk, headsQ, headsKV, scale, dropout } = p;
  const group = headsQ / headsKV;
  const acc = new Float64Array(d);
  const s = new Float64Array(KEY_BLOCK);
  for (let b = 0; b < p.batch; b++) {
    for (let h = 0; h < headsQ; h++) {
      const kvBase = (b * headsKV + Math.floor(h / group)) * nk * d;
      for (let i = 0; i < nq; i++) {
        const qo = ((b * headsQ + h) * nq + i) * d;
        const end = keyEnd(p, b, i);
        let m = -Infinity;
        let l = 0;
        acc.fill(0);
        // Blocks wholly past `end` are skipped: they would add exact zeros (masked entries).
        for (let j0 = 0; j0 < end; j0 += KEY_BLOCK) {
          const j1 = Math.min(j0 + KEY_BLOCK, end);
          let bm = -Infinity;
          for (let j = j0; j < j1; j++) {
            let dot = 0;
            const ko = kvBase + j * d;
            for (let c = 0; c < d; c++) dot += q[qo + c] * k[ko + c];
            s[j - j0] = dot * scale;
            if (s[j - j0] > bm) bm = s[j - j0];
          }
          const mNew = Math.max(m, bm);
          const alpha = m === -Infinity ? 0 : Math.exp(m - mNew);
          l *= alpha;
          for (let c = 0; c < d; c++) acc[c] *= alpha;
          for (let j = j0; j < j1; j++) {
            const pj = Math.exp(s[j - j0] - mNew);
            l += pj;
            if (!keeps(p.seed, b, h, i, j, dropout)) continue;
            const w = pj / (1 - dropout);
            const vo = kvBase + j * d;
            for (let c = 0; c < d; c++) acc[c] += w * v[vo + c];
          }
          m = mNew;
        }
        const row = (b * headsQ + h) * nq + i;
        for (let c = 0; c < d; c++) out[qo + c] = l > 0 ? acc[c] / l : 0;
        lse[row] = l > 0 ? m + Math.log(l) : -Infinity;
      }
    }
  }
};

export const attentionGrad: Kernels['attentionGrad'] = (q, k, v, out, lse, gout, gq, gk, gv, p) => {
  const { d, nq, nk, headsQ, headsKV, scale, dropout } = p;
  const group = headsQ / headsKV;
  gq.fill(0);
  gk.fill(0);
  gv.fill(0);
  const gqRow = new Float64Array(d);
  for (let b = 0; b < p.batch; b++) {
    for (let h = 0; h < headsQ; h++) {
      const kvBase = (b * headsKV + Math.floor(h / group)) * nk * d;
      for (let i = 0; i < nq; i++) {
        const row = (b * headsQ + h) * nq + i;
        const L = lse[row];
        if (L === -Infinity) continue; // fully masked row: zero gradients
        const qo = row * d;
        // D = rowsum(dO ∘ O): a length-d dot product instead of a length-nk reduction.
        let D = 0;
        for (let c = 0; c < d; c++) D += gout[qo + c] * out[qo + c];
        gqRow.fill(0);
        const end = keyEnd(p, b, i);
        for (let j = 0; j < end; j++) {
          const ko = kvBase + j * d;
          let dot = 0;
          for (let c = 0; c < d; c++) dot += q[qo + c] * k[ko + c];
          const P = Math.exp(dot * scale - L);
          const kept = keeps(p.seed, b, h, i, j, dropout);
          const zs = kept ? 1 / (1 - dropout) : 0;
          let dP = 0;
          for (let c = 0; c < d; c++) dP += gout[qo + c] * v[ko + c];
          dP *= zs;
          if (kept) for (let c = 0; c < d; c++) gv[ko + c] += P * zs * gout[qo + c];
          const dS = P * (dP - D) * scale;
          for (let c = 0; c < d; c++) {
            gqRow[c] += dS * k[ko + c];
            gk[ko + c] += dS * q[qo + c];
          }
        }
        for (let c = 0; c < d; c++) gq[qo + c] = gqRow[c];
      }
    }
  }
};

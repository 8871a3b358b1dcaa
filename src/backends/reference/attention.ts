// Reference fused attention, FlashAttention-2 loop order: each query row streams key blocks of a
// fixed width from key 0 with an online softmax (running max m, running sum l, unnormalised
// output acc), and saves only its log-sum-exp. The backward recomputes the probabilities from it.
// The FA1 loop order (outer loop over key blocks) lives in attention-fa1.ts.
import type { AttentionParams, FloatArray, Kernels } from '../../spec/backend.ts';
import { keeps } from '../../util/keep-mask.ts';
import { attentionFa1 } from './attention-fa1.ts';
import { KEY_BLOCK, keyRange, scoreOf } from './attention-mask.ts';

export { KEY_BLOCK, keyRange, scoreOf };

function dotRow(a: FloatArray, ao: number, b: FloatArray, bo: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += a[ao + c] * b[bo + c];
  return s;
}

export const attention: Kernels['attention'] = (q, k, v, out, lse, p) => {
  if (p.loopOrder === 1) return attentionFa1(q, k, v, out, lse, p);
  const { d, nq, nk, headsQ, headsKV, dropout } = p;
  const group = headsQ / headsKV;
  const acc = new Float64Array(d);
  const s = new Float64Array(KEY_BLOCK);
  for (let b = 0; b < p.batch; b++) {
    for (let h = 0; h < headsQ; h++) {
      const kvBase = (b * headsKV + Math.floor(h / group)) * nk * d;
      for (let i = 0; i < nq; i++) {
        const qo = ((b * headsQ + h) * nq + i) * d;
        const [lo, hi] = keyRange(p, b, i);
        let m = -Infinity;
        let l = 0;
        acc.fill(0);
        // Blocks wholly outside [lo, hi) are skipped: they would add exact zeros (masked entries).
        for (let j0 = Math.floor(lo / KEY_BLOCK) * KEY_BLOCK; j0 < hi; j0 += KEY_BLOCK) {
          const j1 = Math.min(j0 + KEY_BLOCK, hi);
          let bm = -Infinity;
          for (let j = Math.max(j0, lo); j < j1; j++) {
            s[j - j0] = scoreOf(p, b, h, i, j, dotRow(q, qo, k, kvBase + j * d, d));
            if (s[j - j0] > bm) bm = s[j - j0];
          }
          const mNew = Math.max(m, bm);
          if (mNew === -Infinity) continue;
          const alpha = m === -Infinity ? 0 : Math.exp(m - mNew);
          l *= alpha;
          for (let c = 0; c < d; c++) acc[c] *= alpha;
          for (let j = Math.max(j0, lo); j < j1; j++) {
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

export const attentionGrad: Kernels['attentionGrad'] = (q, k, v, out, lse, gout, gq, gk, gv, p, gbias) => {
  const { d, nq, nk, headsQ, headsKV, scale, dropout } = p;
  const group = headsQ / headsKV;
  const cap = p.softcap ?? 0;
  gq.fill(0);
  // dK and dV sum over many rows: accumulate in float64 and round once at the end.
  const gk64 = new Float64Array(gk.length);
  const gv64 = new Float64Array(gv.length);
  const gqRow = new Float64Array(d);
  for (let b = 0; b < p.batch; b++) {
    for (let h = 0; h < headsQ; h++) {
      const kvBase = (b * headsKV + Math.floor(h / group)) * nk * d;
      for (let i = 0; i < nq; i++) {
        const row = (b * headsQ + h) * nq + i;
        if (lse[row] === -Infinity) continue; // fully masked row: zero gradients
        const qo = row * d;
        const [lo, hi] = keyRange(p, b, i);
        // The native kernel recomputes P from the saved LSE and takes D = rowsum(dO ∘ O). This oracle
        // recomputes both row statistics in float64 instead (L by an online pass, D = Σ_j P_ij·dP_ij,
        // equal to rowsum(dO ∘ O) in exact arithmetic), so it inherits no f32 rounding of L or O.
        let m = -Infinity;
        let l = 0;
        for (let j = lo; j < hi; j++) {
          const sj = scoreOf(p, b, h, i, j, dotRow(q, qo, k, kvBase + j * d, d));
          if (sj > m) { l = l * Math.exp(m - sj) + 1; m = sj; } else l += Math.exp(sj - m);
        }
        const L = m + Math.log(l);
        let D = 0;
        for (let j = lo; j < hi; j++) {
          const ko = kvBase + j * d;
          if (!keeps(p.seed, b, h, i, j, dropout)) continue;
          D += (Math.exp(scoreOf(p, b, h, i, j, dotRow(q, qo, k, ko, d)) - L) * dotRow(gout, qo, v, ko, d)) / (1 - dropout);
        }
        gqRow.fill(0);
        for (let j = lo; j < hi; j++) {
          const ko = kvBase + j * d;
          const dot = dotRow(q, qo, k, ko, d);
          const P = Math.exp(scoreOf(p, b, h, i, j, dot) - L);
          const kept = keeps(p.seed, b, h, i, j, dropout);
          const zs = kept ? 1 / (1 - dropout) : 0;
          const dP = dotRow(gout, qo, v, ko, d) * zs;
          if (kept) for (let c = 0; c < d; c++) gv64[ko + c] += P * zs * gout[qo + c];
          let dS = P * (dP - D);
          if (gbias) gbias[row * nk + j] = dS;
          if (cap > 0) dS *= 1 - Math.tanh((dot * scale) / cap) ** 2;
          dS *= scale;
          for (let c = 0; c < d; c++) {
            gqRow[c] += dS * k[ko + c];
            gk64[ko + c] += dS * q[qo + c];
          }
        }
        for (let c = 0; c < d; c++) gq[qo + c] = gqRow[c];
      }
    }
  }
  gk.set(gk64);
  gv.set(gv64);
};

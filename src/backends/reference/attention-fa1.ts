// Fused attention forward in the FlashAttention-1 loop order (spec §2.3): the outer loop runs
// over key blocks, the inner over query rows, and each row's output O, running max m and sum l
// are read and rewritten (normalised) after every block. Kept for the IO experiment and as a
// second exact algorithm; the FA2 order is the default.
import type { FloatArray, Kernels } from '../../spec/backend.ts';
import { keeps } from '../../util/keep-mask.ts';
import { KEY_BLOCK, keyRange, scoreOf } from './attention-mask.ts';

export const attentionFa1: Kernels['attention'] = (q, k, v, out, lse, p) => {
  const { d, nq, nk, headsQ, headsKV, dropout } = p;
  const group = headsQ / headsKV;
  const rows = p.batch * headsQ * nq;
  const m = new Float64Array(rows).fill(-Infinity);
  const l = new Float64Array(rows);
  const o: FloatArray = new Float64Array(rows * d);
  const s = new Float64Array(KEY_BLOCK);
  const pv = new Float64Array(d);
  for (let j0 = 0; j0 < nk; j0 += KEY_BLOCK) {
    const j1 = Math.min(j0 + KEY_BLOCK, nk);
    for (let b = 0; b < p.batch; b++) for (let h = 0; h < headsQ; h++) {
      const kvBase = (b * headsKV + Math.floor(h / group)) * nk * d;
      for (let i = 0; i < nq; i++) {
        const row = (b * headsQ + h) * nq + i;
        const [lo, hi] = keyRange(p, b, i);
        const a = Math.max(j0, lo);
        const e = Math.min(j1, hi);
        if (a >= e) continue;
        let mt = -Infinity;
        for (let j = a; j < e; j++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += q[row * d + c] * k[kvBase + j * d + c];
          s[j - j0] = scoreOf(p, b, h, i, j, dot);
          mt = Math.max(mt, s[j - j0]);
        }
        if (mt === -Infinity) continue;
        let lt = 0;
        pv.fill(0);
        for (let j = a; j < e; j++) {
          const pj = Math.exp(s[j - j0] - mt);
          lt += pj;
          if (!keeps(p.seed, b, h, i, j, dropout)) continue;
          const w = pj / (1 - dropout);
          for (let c = 0; c < d; c++) pv[c] += w * v[kvBase + j * d + c];
        }
        const mNew = Math.max(m[row], mt);
        const ea = m[row] === -Infinity ? 0 : Math.exp(m[row] - mNew);
        const eb = Math.exp(mt - mNew);
        const lNew = ea * l[row] + eb * lt;
        for (let c = 0; c < d; c++) o[row * d + c] = (l[row] * ea * o[row * d + c] + eb * pv[c]) / lNew;
        m[row] = mNew;
        l[row] = lNew;
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < d; c++) out[r * d + c] = l[r] > 0 ? o[r * d + c] : 0;
    lse[r] = l[r] > 0 ? m[r] + Math.log(l[r]) : -Infinity;
  }
};

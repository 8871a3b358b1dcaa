// Reference AdamW step, in the same arithmetic form as torch.optim.AdamW.
import type { Kernels } from '../../spec/backend.ts';

export const adamw: Kernels['adamw'] = (p, g, m, v, h) => {
  const bc1 = 1 - h.beta1 ** h.step;
  const bc2 = 1 - h.beta2 ** h.step;
  const stepSize = h.lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  const decay = 1 - h.lr * h.weightDecay;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * gi;
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * gi * gi;
    const denom = Math.sqrt(v[i]) / sqrtBc2 + h.eps;
    p[i] = p[i] * decay - (stepSize * m[i]) / denom;
  }
};

// Gradient clipping by the global L2 norm over all parameters, as torch.nn.utils.clip_grad_norm_.
import { Parameter, noGrad } from '../../tensor/index.ts';

/** The global gradient norm before clipping; grads are scaled in place when it exceeds maxNorm. */
export function clipGradNorm(params: Parameter[], maxNorm: number): number {
  let sq = 0;
  const grads = params.map((p) => p.grad).filter((g) => g !== null);
  for (const g of grads) {
    const d = g.contiguous().buffer();
    for (let i = 0; i < d.length; i++) sq += d[i] * d[i];
  }
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    noGrad(() => {
      for (const p of params) if (p.grad) p.grad = p.grad.mul(coef).detach();
    });
  }
  return norm;
}

// Scalar math shared by the reference kernels: erf, GELU forms and their derivatives.
const SQRT_2_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** erf to ~1e-13: Taylor series below 3, the erfc continued fraction above. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 2 * INV_SQRT_PI * sum;
  }
  let f = ax;
  for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = (Math.exp(-ax * ax) * INV_SQRT_PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
export const geluGrad = (x: number): number =>
  0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);

export const geluTanh = (x: number): number => 0.5 * x * (1 + Math.tanh(SQRT_2_PI * (x + 0.044715 * x * x * x)));
export function geluTanhGrad(x: number): number {
  const t = Math.tanh(SQRT_2_PI * (x + 0.044715 * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_PI * (1 + 3 * 0.044715 * x * x);
}

export const silu = (x: number): number => x * sigmoid(x);
export function siluGrad(x: number): number {
  const s = sigmoid(x);
  return s * (1 + x * (1 - s));
}

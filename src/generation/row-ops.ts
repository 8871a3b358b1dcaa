// Row-wise float32 kernels for the decoding hot path. Each output row is computed from its own
// input row alone, with sums in a fixed order (float64, left to right), so a token's logits are
// bitwise the same whatever the batch size or the number of positions in the pass.

/**
 * y (rows, n) = x (rows, k) · wᵀ with w (n, k), a Linear's (out, in) layout: tiles of 4 rows × 4
 * weight rows in registers, so each load serves four products (the gain of batching). Every output
 * sums over k in order in float64 whatever the tiling, so results do not depend on the row count.
 */
export function linearRowsTransposed(x: Float32Array, w: Float32Array, rows: number, k: number, n: number): Float32Array {
  const y = new Float32Array(rows * n);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = r * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const w0 = j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let q = 0; q < k; q++) {
        const a0 = x[x0 + q], a1 = x[x1 + q], a2 = x[x2 + q], a3 = x[x3 + q];
        const b0 = w[w0 + q], b1 = w[w1 + q], b2 = w[w2 + q], b3 = w[w3 + q];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = r * n + j;
      y[o] = c00; y[o + 1] = c01; y[o + 2] = c02; y[o + 3] = c03;
      y[o + n] = c10; y[o + n + 1] = c11; y[o + n + 2] = c12; y[o + n + 3] = c13;
      y[o + 2 * n] = c20; y[o + 2 * n + 1] = c21; y[o + 2 * n + 2] = c22; y[o + 2 * n + 3] = c23;
      y[o + 3 * n] = c30; y[o + 3 * n + 1] = c31; y[o + 3 * n + 2] = c32; y[o + 3 * n + 3] = c33;
    }
    for (; j < n; j++) for (let i = 0; i < 4; i++) y[(r + i) * n + j] = dot(x, (r + i) * k, w, j * k, k);
  }
  for (; r < rows; r++) {
    const xo = r * k;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const w0 = j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let q = 0; q < k; q++) {
        const a = x[xo + q];
        c0 += a * w[w0 + q]; c1 += a * w[w1 + q]; c2 += a * w[w2 + q]; c3 += a * w[w3 + q];
      }
      const o = r * n + j;
      y[o] = c0; y[o + 1] = c1; y[o + 2] = c2; y[o + 3] = c3;
    }
    for (; j < n; j++) y[r * n + j] = dot(x, xo, w, j * k, k);
  }
  return y;
}

function dot(x: Float32Array, xo: number, w: Float32Array, wo: number, k: number): number {
  let s = 0;
  for (let q = 0; q < k; q++) s += x[xo + q] * w[wo + q];
  return s;
}

/** LayerNorm over each row (biased variance), into a new array. */
export function layerNormRows(x: Float32Array, w: Float32Array, b: Float32Array | null, rows: number, n: number, eps = 1e-5): Float32Array {
  const y = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += x[o + j];
    mean /= n;
    let v = 0;
    for (let j = 0; j < n; j++) v += (x[o + j] - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / n + eps);
    for (let j = 0; j < n; j++) y[o + j] = (x[o + j] - mean) * rstd * w[j] + (b ? b[j] : 0);
  }
  return y;
}

/** RMSNorm over each row: x / sqrt(mean(x²) + eps) · w, into a new array. */
export function rmsNormRows(x: Float32Array, w: Float32Array, rows: number, n: number, eps: number): Float32Array {
  const y = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let ss = 0;
    for (let j = 0; j < n; j++) ss += x[o + j] * x[o + j];
    const rs = 1 / Math.sqrt(ss / n + eps);
    for (let j = 0; j < n; j++) y[o + j] = x[o + j] * rs * w[j];
  }
  return y;
}

/** y[r, j] += b[j] for every row. */
export function addBiasRows(y: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < y.length; i++) y[i] += b[i % b.length];
  return y;
}

/** a += b, in place. */
export function addInPlace(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  return a;
}

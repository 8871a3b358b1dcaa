// Row-wise float32 kernels for the decoding hot path. Each output row is computed from its own
// input row alone, with sums in a fixed order (float64, left to right), so a token's logits are
// bitwise the same whatever the batch size or the number of positions in the pass.

/**
 * y (rows, out) = x (rows, in) · w (in, out) + b (out), in tiles of 4 rows × 4 columns held in
 * registers, so each weight load serves four rows (the gain of batching). Every output sums over
 * `in` in order in float64 whatever the tiling, so results do not depend on the number of rows.
 */
export function linearRows(x: Float32Array, w: Float32Array, b: Float32Array | null, rows: number, nIn: number, nOut: number): Float32Array {
  const y = new Float32Array(rows * nOut);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * nIn, o1 = o0 + nIn, o2 = o1 + nIn, o3 = o2 + nIn;
    let j = 0;
    for (; j + 4 <= nOut; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let q = 0, wo = j; q < nIn; q++, wo += nOut) {
        const w0 = w[wo], w1 = w[wo + 1], w2 = w[wo + 2], w3 = w[wo + 3];
        const x0 = x[o0 + q], x1 = x[o1 + q], x2 = x[o2 + q], x3 = x[o3 + q];
        c00 += x0 * w0; c01 += x0 * w1; c02 += x0 * w2; c03 += x0 * w3;
        c10 += x1 * w0; c11 += x1 * w1; c12 += x1 * w2; c13 += x1 * w3;
        c20 += x2 * w0; c21 += x2 * w1; c22 += x2 * w2; c23 += x2 * w3;
        c30 += x3 * w0; c31 += x3 * w1; c32 += x3 * w2; c33 += x3 * w3;
      }
      put4(y, r * nOut + j, b, j, c00, c01, c02, c03);
      put4(y, (r + 1) * nOut + j, b, j, c10, c11, c12, c13);
      put4(y, (r + 2) * nOut + j, b, j, c20, c21, c22, c23);
      put4(y, (r + 3) * nOut + j, b, j, c30, c31, c32, c33);
    }
    for (; j < nOut; j++) for (let i = 0; i < 4; i++) y[(r + i) * nOut + j] = dotColumn(x, (r + i) * nIn, w, j, nIn, nOut) + (b ? b[j] : 0);
  }
  for (; r < rows; r++) {
    const o = r * nIn;
    let j = 0;
    for (; j + 4 <= nOut; j += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let q = 0, wo = j; q < nIn; q++, wo += nOut) {
        const xv = x[o + q];
        c0 += xv * w[wo]; c1 += xv * w[wo + 1]; c2 += xv * w[wo + 2]; c3 += xv * w[wo + 3];
      }
      put4(y, r * nOut + j, b, j, c0, c1, c2, c3);
    }
    for (; j < nOut; j++) y[r * nOut + j] = dotColumn(x, o, w, j, nIn, nOut) + (b ? b[j] : 0);
  }
  return y;
}

function put4(y: Float32Array, at: number, b: Float32Array | null, j: number, c0: number, c1: number, c2: number, c3: number): void {
  if (b) { c0 += b[j]; c1 += b[j + 1]; c2 += b[j + 2]; c3 += b[j + 3]; }
  y[at] = c0; y[at + 1] = c1; y[at + 2] = c2; y[at + 3] = c3;
}

function dotColumn(x: Float32Array, o: number, w: Float32Array, j: number, nIn: number, nOut: number): number {
  let s = 0;
  for (let q = 0; q < nIn; q++) s += x[o + q] * w[q * nOut + j];
  return s;
}

/** y (rows, n) = x (rows, k) · wᵀ with w (n, k): dot products of contiguous rows (tied output heads), four rows per weight row. */
export function linearRowsTransposed(x: Float32Array, w: Float32Array, rows: number, k: number, n: number): Float32Array {
  const y = new Float32Array(rows * n);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o = r * k;
    for (let j = 0; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const wo = j * k;
      for (let q = 0; q < k; q++) {
        const wv = w[wo + q];
        s0 += x[o + q] * wv; s1 += x[o + k + q] * wv; s2 += x[o + 2 * k + q] * wv; s3 += x[o + 3 * k + q] * wv;
      }
      y[r * n + j] = s0; y[(r + 1) * n + j] = s1; y[(r + 2) * n + j] = s2; y[(r + 3) * n + j] = s3;
    }
  }
  for (; r < rows; r++) {
    const o = r * k;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const wo = j * k;
      for (let q = 0; q < k; q++) s += x[o + q] * w[wo + q];
      y[r * n + j] = s;
    }
  }
  return y;
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

/** GELU, tanh approximation, in place. */
export function geluInPlace(x: Float32Array): Float32Array {
  const k = Math.sqrt(2 / Math.PI);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v)));
  }
  return x;
}

/** a += b, in place. */
export function addInPlace(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  return a;
}

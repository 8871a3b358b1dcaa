// Reference row kernels: reductions over the last axis, softmax, layer-norm, rms-norm,
// cross-entropy. Each row is reduced left to right in double precision.
import type { FloatArray, Kernels } from '../../spec/backend.ts';

function rowMax(x: FloatArray, o: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) if (x[o + j] > m || Number.isNaN(x[o + j])) m = x[o + j];
  return m;
}

function rowLse(x: FloatArray, o: number, cols: number): number {
  const m = rowMax(x, o, cols);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(x[o + j] - m);
  return m + Math.log(s);
}

export const reduce: Kernels['reduce'] = (op, x, rows, cols, out) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let v: number;
    switch (op) {
      case 'sum': v = 0; for (let j = 0; j < cols; j++) v += x[o + j]; break;
      case 'max': v = rowMax(x, o, cols); break;
      case 'min': v = Infinity; for (let j = 0; j < cols; j++) if (x[o + j] < v || Number.isNaN(x[o + j])) v = x[o + j]; break;
      case 'argmax': { let b = 0; for (let j = 1; j < cols; j++) if (x[o + j] > x[o + b]) b = j; v = b; break; }
      case 'argmin': { let b = 0; for (let j = 1; j < cols; j++) if (x[o + j] < x[o + b]) b = j; v = b; break; }
      case 'logsumexp': v = rowLse(x, o, cols); break;
    }
    out[r] = v;
  }
};

export const softmax: Kernels['softmax'] = (x, out, rows, cols, log) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const m = rowMax(x, o, cols);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[o + j] - m);
    if (log) {
      const ls = Math.log(s);
      for (let j = 0; j < cols; j++) out[o + j] = x[o + j] - m - ls;
    } else {
      for (let j = 0; j < cols; j++) out[o + j] = Math.exp(x[o + j] - m) / s;
    }
  }
};

export const softmaxGrad: Kernels['softmaxGrad'] = (y, gy, gx, rows, cols, log) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    if (log) {
      for (let j = 0; j < cols; j++) s += gy[o + j];
      for (let j = 0; j < cols; j++) gx[o + j] = gy[o + j] - Math.exp(y[o + j]) * s;
    } else {
      for (let j = 0; j < cols; j++) s += gy[o + j] * y[o + j];
      for (let j = 0; j < cols; j++) gx[o + j] = y[o + j] * (gy[o + j] - s);
    }
  }
};

export const layerNorm: Kernels['layerNorm'] = (x, w, b, y, mean, rstd, rows, cols, eps) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mu = 0;
    for (let j = 0; j < cols; j++) mu += x[o + j];
    mu /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) v += (x[o + j] - mu) ** 2;
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) y[o + j] = (x[o + j] - mu) * rs * (w ? w[j] : 1) + (b ? b[j] : 0);
  }
};

export const layerNormGrad: Kernels['layerNormGrad'] = (x, w, mean, rstd, gy, gx, gw, gb, rows, cols) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const mu = mean[r];
    const rs = rstd[r];
    let sumD = 0;
    let sumDX = 0;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - mu) * rs;
      const d = gy[o + j] * (w ? w[j] : 1);
      sumD += d;
      sumDX += d * xh;
      if (gw) gw[j] += gy[o + j] * xh;
      if (gb) gb[j] += gy[o + j];
    }
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - mu) * rs;
      const d = gy[o + j] * (w ? w[j] : 1);
      gx[o + j] = rs * (d - sumD / cols - (xh * sumDX) / cols);
    }
  }
};

export const rmsNorm: Kernels['rmsNorm'] = (x, w, y, rstd, rows, cols, eps) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let ss = 0;
    for (let j = 0; j < cols; j++) ss += x[o + j] * x[o + j];
    const rs = 1 / Math.sqrt(ss / cols + eps);
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) y[o + j] = x[o + j] * rs * (w ? w[j] : 1);
  }
};

export const rmsNormGrad: Kernels['rmsNormGrad'] = (x, w, rstd, gy, gx, gw, rows, cols) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const rs = rstd[r];
    let sumDX = 0;
    for (let j = 0; j < cols; j++) {
      const xh = x[o + j] * rs;
      sumDX += gy[o + j] * (w ? w[j] : 1) * xh;
      if (gw) gw[j] += gy[o + j] * xh;
    }
    for (let j = 0; j < cols; j++) {
      const xh = x[o + j] * rs;
      gx[o + j] = rs * (gy[o + j] * (w ? w[j] : 1) - (xh * sumDX) / cols);
    }
  }
};

export const crossEntropy: Kernels['crossEntropy'] = (logits, targets, loss, lse, rows, cols, ignoreIndex, smoothing) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const l = rowLse(logits, o, cols);
    lse[r] = l;
    const t = targets[r];
    if (t === ignoreIndex) { loss[r] = 0; continue; }
    let v = (1 - smoothing) * (l - logits[o + t]);
    if (smoothing > 0) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += l - logits[o + j];
      v += (smoothing * s) / cols;
    }
    loss[r] = v;
  }
};

export const crossEntropyGrad: Kernels['crossEntropyGrad'] = (logits, targets, lse, gloss, glogits, rows, cols, ignoreIndex, smoothing) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const t = targets[r];
    if (t === ignoreIndex) { for (let j = 0; j < cols; j++) glogits[o + j] = 0; continue; }
    const g = gloss[r];
    const l = lse[r];
    for (let j = 0; j < cols; j++) {
      const p = Math.exp(logits[o + j] - l);
      glogits[o + j] = g * (p - (j === t ? 1 - smoothing : 0) - smoothing / cols);
    }
  }
};

// Reference matmul: for each output row, a double-precision accumulator per column, the
// reduction over k left to right (the order every backend must keep per element).
import type { Kernels } from '../../spec/backend.ts';

export const matmul: Kernels['matmul'] = (a, b, out, p) => {
  const { batch, m, n, k, transA, transB, strideA, strideB } = p;
  const acc = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    const ao = bi * strideA;
    const bo = bi * strideB;
    const oo = bi * m * n;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let q = 0; q < k; q++) {
        const av = transA ? a[ao + q * m + i] : a[ao + i * k + q];
        if (transB) {
          for (let j = 0; j < n; j++) acc[j] += av * b[bo + j * k + q];
        } else {
          const row = bo + q * n;
          for (let j = 0; j < n; j++) acc[j] += av * b[row + j];
        }
      }
      const base = oo + i * n;
      if (p.accumulate) for (let j = 0; j < n; j++) out[base + j] += acc[j];
      else for (let j = 0; j < n; j++) out[base + j] = acc[j];
    }
  }
};

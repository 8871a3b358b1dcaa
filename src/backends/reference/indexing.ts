// Reference gather / scatter-add and index-select / index-add.
import type { Kernels } from '../../spec/backend.ts';

export const gather: Kernels['gather'] = (x, index, out, outer, dim, idxDim, inner) => {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idxDim; j++) {
      for (let i = 0; i < inner; i++) {
        const at = (o * idxDim + j) * inner + i;
        out[at] = x[(o * dim + index[at]) * inner + i];
      }
    }
  }
};

export const scatterAdd: Kernels['scatterAdd'] = (g, index, gx, outer, dim, idxDim, inner) => {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idxDim; j++) {
      for (let i = 0; i < inner; i++) {
        const at = (o * idxDim + j) * inner + i;
        gx[(o * dim + index[at]) * inner + i] += g[at];
      }
    }
  }
};

export const indexSelect: Kernels['indexSelect'] = (table, ids, out, cols) => {
  for (let r = 0; r < ids.length; r++) out.set(table.subarray(ids[r] * cols, ids[r] * cols + cols), r * cols);
};

export const indexAdd: Kernels['indexAdd'] = (g, ids, gtable, cols) => {
  for (let r = 0; r < ids.length; r++) {
    const t = ids[r] * cols;
    const s = r * cols;
    for (let j = 0; j < cols; j++) gtable[t + j] += g[s + j];
  }
};

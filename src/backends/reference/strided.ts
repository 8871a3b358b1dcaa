// Walks the rows (last axis) of an N-d shape over several strided views at once.
import type { StridedView } from '../../spec/backend.ts';

/**
 * Calls row(offsets, len) once per row of `shape`, where offsets[v] is the start of the row in
 * view v and each view advances by its own last-axis stride inside the row.
 */
export function forEachRow(shape: readonly number[], views: readonly StridedView[], row: (offsets: number[], len: number) => void): void {
  const nd = shape.length;
  for (const d of shape) if (d === 0) return;
  const offsets = views.map((v) => v.offset);
  if (nd === 0) {
    row(offsets, 1);
    return;
  }
  const len = shape[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  for (;;) {
    row(offsets, len);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let v = 0; v < views.length; v++) offsets[v] += views[v].strides[d];
      if (idx[d] < shape[d]) break;
      for (let v = 0; v < views.length; v++) offsets[v] -= views[v].strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

export const lastStride = (v: StridedView): number => (v.strides.length ? v.strides[v.strides.length - 1] : 0);

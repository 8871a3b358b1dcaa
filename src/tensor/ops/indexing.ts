// Index ops: gather along an axis and its scatter-add adjoint; index-select (embedding lookup)
// and its index-add gradient. Indices are i32.
import type { FloatArray } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { kernel } from '../engine.ts';
import { record } from '../autograd.ts';
import { isComputeFloat } from '../dtype.ts';
import { normAxis, numel } from '../../util/shape.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { contiguous, permute, reshape } from './view.ts';

function checkIndex(op: string, idx: Tensor, bound: number): Int32Array {
  if (idx.dtype !== 'i32') fail(op, `indices must be i32, got ${idx.dtype} ${fmtShape(idx.shape)}`);
  const ib = contiguous(idx).buffer() as Int32Array;
  for (let i = 0; i < ib.length; i++) {
    if (ib[i] < 0 || ib[i] >= bound) fail(op, `index ${ib[i]} is out of range [0, ${bound}) (indices of shape ${fmtShape(idx.shape)})`);
  }
  return ib;
}

function requireFloat(op: string, x: Tensor): void {
  if (!isComputeFloat(x.dtype)) fail(op, `expected a float tensor (f32 or f64), got ${x.dtype} of shape ${fmtShape(x.shape)}`);
}

/** (outer, dim, inner) view sizes of x around `axis`. */
function around(x: readonly number[], axis: number): [number, number, number] {
  return [numel(x.slice(0, axis)), x[axis], numel(x.slice(axis + 1))];
}

/** out[..., j, ...] = x[..., index[..., j, ...], ...] along `axis`; index has x's shape except on `axis`. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  requireFloat('gather', x);
  const a = normAxis('gather', axis, x.shape);
  if (index.ndim !== x.ndim || index.shape.some((d, i) => i !== a && d !== x.shape[i])) {
    fail('gather', `index shape ${fmtShape(index.shape)} must match input ${fmtShape(x.shape)} except on axis ${a}`);
  }
  const [outer, dim, inner] = around(x.shape, a);
  const ib = checkIndex('gather', index, dim);
  const xb = contiguous(x).buffer() as FloatArray;
  const out = Tensor.empty(index.shape, x.dtype);
  const idxDim = index.shape[a];
  kernel('gather', x.dtype)(xb, ib, out.data as FloatArray, outer, dim, idxDim, inner);
  return record(out, 'gather', [x], (g) => {
    const gx = Tensor.empty(x.shape, x.dtype);
    kernel('scatterAdd', x.dtype)(contiguous(g).buffer() as FloatArray, ib, gx.data as FloatArray, outer, dim, idxDim, inner);
    return [gx];
  });
}

/** x + src scattered along `axis` at `index` (duplicates add up); the adjoint of gather. */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  requireFloat('scatterAdd', x);
  const a = normAxis('scatterAdd', axis, x.shape);
  if (src.ndim !== x.ndim || src.shape.some((d, i) => i !== a && d !== x.shape[i]) || index.shape.some((d, i) => d !== src.shape[i])) {
    fail('scatterAdd', `src ${fmtShape(src.shape)} and index ${fmtShape(index.shape)} must match each other, and x ${fmtShape(x.shape)} except on axis ${a}`);
  }
  const [outer, dim, inner] = around(x.shape, a);
  const ib = checkIndex('scatterAdd', index, dim);
  const out = contiguous(x).clone().detach();
  kernel('scatterAdd', x.dtype)(contiguous(src).buffer() as FloatArray, ib, out.data as FloatArray, outer, dim, index.shape[a], inner);
  return record(out, 'scatterAdd', [x, src], (g) => [g, src.requiresGrad ? gather(g, a, index) : null]);
}

/** Rows of x along `axis` picked by ids (any shape): the embedding lookup when axis = 0. */
export function indexSelect(x: Tensor, axis: number, ids: Tensor): Tensor {
  requireFloat('indexSelect', x);
  const a = normAxis('indexSelect', axis, x.shape);
  if (a !== 0) {
    const order = [a, ...x.shape.map((_, i) => i).filter((i) => i !== a)];
    const moved = indexSelect(permute(x, order), 0, reshape(ids, [-1]));
    // moved: (n, rest...) → put the selected axis back at position a, then unflatten ids.
    const back = [...Array.from({ length: x.ndim - 1 }, (_, i) => i + 1)];
    back.splice(a, 0, 0);
    const restored = permute(moved, back);
    return reshape(restored, [...x.shape.slice(0, a), ...ids.shape, ...x.shape.slice(a + 1)]);
  }
  const vocab = x.shape[0];
  const cols = numel(x.shape.slice(1));
  const ib = checkIndex('indexSelect', ids, vocab);
  const tb = contiguous(x).buffer() as FloatArray;
  const out = Tensor.empty([...ids.shape, ...x.shape.slice(1)], x.dtype);
  kernel('indexSelect', x.dtype)(tb, ib, out.data as FloatArray, cols);
  return record(out, 'indexSelect', [x], (g) => {
    const gx = Tensor.empty(x.shape, x.dtype);
    kernel('indexAdd', x.dtype)(contiguous(g).buffer() as FloatArray, ib, gx.data as FloatArray, cols);
    return [gx];
  });
}

/** Embedding lookup: table (V, C) at ids (...) gives (..., C). */
export function embedding(table: Tensor, ids: Tensor): Tensor {
  return indexSelect(table, 0, ids);
}

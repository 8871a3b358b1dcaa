// Views share storage and only change shape, strides and offset; each has its vjp. contiguous()
// is the one copy, through the strided copy kernel.
import { Tensor } from '../tensor.ts';
import { kernel } from '../engine.ts';
import { record } from '../autograd.ts';
import { contiguousStrides, normAxis, numel, sameShape, type Shape } from '../../util/shape.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { sumTo } from './reduce.ts';

/** Copies src into dst (same shape) through the strided copy kernel; no autograd. */
export function copyInto(src: Tensor, dst: Tensor): void {
  if (!sameShape(src.shape, dst.shape)) fail('copy', `source ${fmtShape(src.shape)} and destination ${fmtShape(dst.shape)} differ in shape`);
  kernel('copy', src.dtype, dst.dtype)(src, dst, src.shape);
}

export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous) return x;
  return clone(x);
}

/** A contiguous copy that stays in the graph. */
export function clone(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape, x.dtype);
  copyInto(x, out);
  return record(out, 'clone', [x], (g) => [g]);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const n = x.numel;
  const infer = shape.indexOf(-1);
  if (infer !== shape.lastIndexOf(-1)) fail('reshape', `only one dimension may be -1, got ${fmtShape(shape)}`);
  const target = [...shape];
  if (infer >= 0) {
    const known = numel(shape.filter((_, i) => i !== infer));
    if (known === 0 || n % known !== 0) fail('reshape', `cannot infer -1 in ${fmtShape(shape)} for ${n} elements (input ${fmtShape(x.shape)})`);
    target[infer] = n / known;
  }
  if (numel(target) !== n || target.some((d) => !Number.isInteger(d) || d < 0)) {
    fail('reshape', `cannot reshape ${fmtShape(x.shape)} (${n} elements) to ${fmtShape(shape)}`);
  }
  if (sameShape(target, x.shape)) return x;
  const src = contiguous(x);
  const out = new Tensor(src.data, target, src.dtype, contiguousStrides(target), src.offset);
  return record(out, 'reshape', [src], (g) => [reshape(g, src.shape)]);
}

/** Merges axes start..end into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis('flatten', start, x.shape);
  const e = normAxis('flatten', end, x.shape);
  const mid = numel(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) fail('permute', `expected ${x.ndim} axes for a tensor of shape ${fmtShape(x.shape)}, got [${dims.join(', ')}]`);
  const d = dims.map((a) => normAxis('permute', a, x.shape));
  if (new Set(d).size !== d.length) fail('permute', `repeated axis in [${dims.join(', ')}]`);
  const out = new Tensor(x.data, d.map((i) => x.shape[i]), x.dtype, d.map((i) => x.strides[i]), x.offset);
  const inverse = new Array<number>(d.length);
  d.forEach((a, i) => { inverse[a] = i; });
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const i = normAxis('transpose', a, x.shape);
  const j = normAxis('transpose', b, x.shape);
  const dims = Array.from({ length: x.ndim }, (_, k) => k);
  dims[i] = j;
  dims[j] = i;
  return permute(x, dims);
}

/** x[..., start:end:step, ...] along `axis` (negative start/end count from the end). */
export function slice(x: Tensor, axis: number, start: number, end?: number, step = 1): Tensor {
  const ax = normAxis('slice', axis, x.shape);
  const len = x.shape[ax];
  if (!Number.isInteger(step) || step <= 0) fail('slice', `step must be a positive integer, got ${step}`);
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + len : v, 0), len);
  const s = clampIdx(start);
  const e = clampIdx(end ?? len);
  const n = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...x.shape];
  shape[ax] = n;
  const strides = [...x.strides];
  strides[ax] = x.strides[ax] * step;
  const out = new Tensor(x.data, shape, x.dtype, strides, x.offset + s * x.strides[ax]);
  return record(out, 'slice', [x], (g) => {
    const gx = Tensor.empty(x.shape, g.dtype);
    copyInto(g, slice(gx, ax, s, e, step));
    return [gx];
  });
}

/** Broadcasts size-1 axes (and new leading axes) to `shape` without copying; -1 keeps a size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const off = shape.length - x.ndim;
  if (off < 0) fail('expand', `cannot expand ${fmtShape(x.shape)} to fewer dimensions ${fmtShape(shape)}`);
  if (shape.some((d, i) => d === -1 && i < off)) fail('expand', `-1 keeps an existing size; new leading axes of ${fmtShape(shape)} need sizes (input ${fmtShape(x.shape)})`);
  const target = shape.map((d, i) => (d === -1 ? x.shape[i - off] : d));
  const strides = target.map((d, i) => {
    const j = i - off;
    if (j < 0) return 0;
    if (x.shape[j] === d) return x.strides[j];
    if (x.shape[j] === 1) return 0;
    return fail('expand', `cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)} (dimension ${i}: ${x.shape[j]} is neither ${d} nor 1)`);
  });
  if (sameShape(target, x.shape)) return x;
  const out = new Tensor(x.data, target, x.dtype, strides, x.offset);
  return record(out, 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normAxis('squeeze', axis, x.shape);
  if (x.shape[a] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis('unsqueeze', axis, x.ndim + 1, x.shape);
  const shape: number[] = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export type { Shape };

// Reductions over any set of axes: the reduced axes are moved last and the kernel reduces the
// trailing block of each row, so the order of a row's reduction never depends on the batch.
import type { ReduceOp } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { kernel } from '../engine.ts';
import { record } from '../autograd.ts';
import { isComputeFloat } from '../dtype.ts';
import { normAxes, normAxis, numel } from '../../util/shape.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { permute, reshape, expand } from './view.ts';
import { div, eq, exp, mul, sub, square } from './elementwise.ts';

type Axes = number | readonly number[] | undefined;

/** Shape with the reduced axes set to 1 (the keepdim shape). */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Runs the reduce kernel; returns the result in keepdim shape. */
function reduceRaw(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  if (!isComputeFloat(x.dtype)) fail(op, `expected a float tensor (f32 or f64), got ${x.dtype} of shape ${fmtShape(x.shape)}; cast it first`);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  const moved = order.every((a, i) => a === i) ? x : permute(x, order);
  const src = moved.contiguous();
  const rows = numel(kept.map((i) => x.shape[i]));
  const cols = numel(axes.map((i) => x.shape[i]));
  if (cols === 0 && op !== 'sum') fail(op, `cannot reduce over an empty axis (shape ${fmtShape(x.shape)})`);
  const outDtype = op === 'argmax' || op === 'argmin' ? 'i32' : x.dtype;
  const out = Tensor.empty(keptShape(x.shape, axes), outDtype);
  kernel('reduce', x.dtype)(op, src.buffer() as Float32Array, rows, cols, out.data);
  return out;
}

/** Drops the reduced axes unless keepdim; the view is recorded under the reduction's own name. */
function finish(y: Tensor, x: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return y;
  const out = new Tensor(y.data, x.shape.filter((_, i) => !axes.includes(i)), y.dtype);
  return record(out, y.node?.op ?? 'reshape', [y], (g) => [reshape(g, y.shape)]);
}

export function sum(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  const ax = normAxes('sum', axes, x.shape);
  if (ax.length === 0) return x;
  const y = record(reduceRaw('sum', x, ax), 'sum', [x], (g) => [expand(g, x.shape)]);
  return finish(y, x, ax, keepdim);
}

export function mean(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  const ax = normAxes('mean', axes, x.shape);
  const n = numel(ax.map((i) => x.shape[i]));
  return div(sum(x, ax, keepdim), n);
}

/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(x: Tensor, axes?: Axes, keepdim = false, correction = 1): Tensor {
  const ax = normAxes('var', axes, x.shape);
  const n = numel(ax.map((i) => x.shape[i]));
  const d = sub(x, mean(x, ax, true));
  return div(sum(square(d), ax, keepdim), Math.max(n - correction, 0));
}

/** max/min share the vjp: the gradient is split evenly among tied extremes (like torch.amax). */
function extreme(op: 'max' | 'min', x: Tensor, axes: Axes, keepdim: boolean): Tensor {
  const ax = normAxes(op, axes, x.shape);
  if (ax.length === 0) return x;
  const yk = reduceRaw(op, x, ax);
  const y = record(yk, op, [x], (g) => {
    const mask = eq(x, expand(yk, x.shape)).cast(x.dtype);
    const count = sum(mask, ax, true);
    return [mul(mask, expand(div(g, count), x.shape))];
  });
  return finish(y, x, ax, keepdim);
}
export const max = (x: Tensor, axes?: Axes, keepdim = false): Tensor => extreme('max', x, axes, keepdim);
export const min = (x: Tensor, axes?: Axes, keepdim = false): Tensor => extreme('min', x, axes, keepdim);

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, axis: number, keepdim: boolean): Tensor {
  const a = normAxis(op, axis, x.shape);
  return finish(reduceRaw(op, x, [a]), x, [a], keepdim);
}
/** Index of the first maximum along one axis (i32, no gradient). */
export const argmax = (x: Tensor, axis = -1, keepdim = false): Tensor => argExtreme('argmax', x, axis, keepdim);
export const argmin = (x: Tensor, axis = -1, keepdim = false): Tensor => argExtreme('argmin', x, axis, keepdim);

/** log Σ exp(x), stable (the kernel subtracts the row maximum). */
export function logsumexp(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  const ax = normAxes('logsumexp', axes, x.shape);
  if (ax.length === 0) return x;
  const yk = reduceRaw('logsumexp', x, ax);
  const y = record(yk, 'logsumexp', [x], (g) => [mul(expand(g, x.shape), exp(sub(x, expand(yk, x.shape))))]);
  return finish(y, x, ax, keepdim);
}

/** Sums g over the axes that broadcasting added or stretched, giving a tensor of `shape`. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  if (lead < 0) fail('sumTo', `cannot reduce ${fmtShape(g.shape)} to the larger shape ${fmtShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return g;
  return reshape(sum(g, axes, true), shape);
}

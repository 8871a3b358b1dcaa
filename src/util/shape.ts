// Shape arithmetic shared by every layer: sizes, contiguous strides, broadcasting, axes.
import { fail, fmtShape } from './errors.ts';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy broadcasting of two shapes; names the op on failure. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      fail(op, `shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if broadcast to `target` (0 on broadcast axes). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const off = target.length - shape.length;
  return target.map((d, i) => {
    const j = i - off;
    if (j < 0) return 0;
    return shape[j] === 1 && d !== 1 ? 0 : strides[j];
  });
}

/**
 * Normalises a possibly negative axis against `ndim`, given as a number or as the tensor's shape
 * (then the error names the shape; `shape` does the same when ndim differs, as for unsqueeze).
 */
export function normAxis(op: string, axis: number, ndim: number | Shape, shape?: Shape): number {
  const nd = typeof ndim === 'number' ? ndim : ndim.length;
  const named = typeof ndim === 'number' ? shape : ndim;
  const a = axis < 0 ? axis + nd : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(nd, 1)) {
    const what = named ? `a tensor of shape ${fmtShape(named)}` : `a tensor with ${nd} dimension${nd === 1 ? '' : 's'}`;
    fail(op, `axis ${axis} is out of range for ${what} (expected ${-nd}..${nd - 1})`);
  }
  return a;
}

/** Normalises a list of axes (undefined = all), sorted and without duplicates. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, ndim: number | Shape): number[] {
  const nd = typeof ndim === 'number' ? ndim : ndim.length;
  if (axes === undefined) return Array.from({ length: nd }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normAxis(op, a, ndim));
  const where = typeof ndim === 'number' ? '' : ` for shape ${fmtShape(ndim)}`;
  if (new Set(out).size !== out.length) fail(op, `repeated axis in [${list.join(', ')}]${where}`);
  return out.sort((x, y) => x - y);
}

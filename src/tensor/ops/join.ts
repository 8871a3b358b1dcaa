// Joining and cutting: concat, stack, split, pad. Forward copies into slices of one output; the
// gradient of each is a slice of the incoming gradient.
import { Tensor } from '../tensor.ts';
import { record } from '../autograd.ts';
import { normAxis } from '../../util/shape.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { copyInto, slice, unsqueeze } from './view.ts';

export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) fail('concat', 'needs at least one tensor');
  const first = tensors[0];
  const a = normAxis('concat', axis, first.shape);
  for (const t of tensors) {
    if (t.dtype !== first.dtype) fail('concat', `dtype mismatch: ${first.dtype} ${fmtShape(first.shape)} vs ${t.dtype} ${fmtShape(t.shape)}`);
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      fail('concat', `shapes ${tensors.map((x) => fmtShape(x.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  const shape = [...first.shape];
  shape[a] = tensors.reduce((s, t) => s + t.shape[a], 0);
  const out = Tensor.empty(shape, first.dtype);
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    copyInto(t, slice(out, a, at, at + t.shape[a]));
    at += t.shape[a];
  }
  return record(out, 'concat', tensors, (g) => tensors.map((t, i) => (t.requiresGrad ? slice(g, a, starts[i], starts[i] + t.shape[a]) : null)));
}

export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) fail('stack', 'needs at least one tensor');
  const first = tensors[0];
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => d !== first.shape[i])) {
      fail('stack', `all tensors must have one shape, got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}`);
    }
  }
  const a = normAxis('stack', axis, first.ndim + 1, first.shape);
  return concat(tensors.map((t) => unsqueeze(t, a)), a);
}

/** Splits along `axis` into pieces of `size` (the last may be smaller) or of the given sizes. */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const a = normAxis('split', axis, x.shape);
  const len = x.shape[a];
  let list: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) fail('split', `size must be a positive integer, got ${sizes}`);
    list = [];
    for (let s = 0; s < len; s += sizes) list.push(Math.min(sizes, len - s));
  } else {
    list = [...sizes];
    const total = list.reduce((s, v) => s + v, 0);
    if (total !== len) fail('split', `sizes [${list.join(', ')}] add up to ${total}, but axis ${a} of ${fmtShape(x.shape)} has ${len}`);
  }
  const out: Tensor[] = [];
  let at = 0;
  for (const n of list) {
    out.push(slice(x, a, at, at + n));
    at += n;
  }
  return out;
}

/**
 * Constant padding in torch.nn.functional.pad order: [left, right] of the last axis first, then
 * [top, bottom] of the one before, and so on.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    fail('pad', `pads must hold pairs for at most ${x.ndim} trailing axes, got [${pads.join(', ')}]`);
  }
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) fail('pad', `pads must be non-negative integers, got [${pads.join(', ')}]`);
  const shape = [...x.shape];
  const begin = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const ax = x.ndim - 1 - i;
    begin[ax] = pads[2 * i];
    shape[ax] += pads[2 * i] + pads[2 * i + 1];
  }
  const out = Tensor.empty(shape, x.dtype);
  if (value !== 0) out.data.fill(value);
  const interior = (t: Tensor) => begin.reduce((v, b, ax) => slice(v, ax, b, b + x.shape[ax]), t);
  copyInto(x, interior(out));
  return record(out, 'pad', [x], (g) => [interior(g)]);
}

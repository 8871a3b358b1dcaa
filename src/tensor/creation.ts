// Creating tensors: from arrays, constants, ranges, and seeded random draws.
import type { DType, Storage } from '../spec/backend.ts';
import { Tensor, type NestedArray } from './tensor.ts';
import { defaultRng } from './engine.ts';
import { dtypeOfArray } from './dtype.ts';
import { castStorage } from './ops/cast.ts';
import { numel, type Shape } from '../util/shape.ts';
import { fail, fmtShape } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  return opts.requiresGrad ? t.setRequiresGrad(true) : t;
}

/** A tensor from nested arrays, a flat array with a shape, or a typed array (used in place). */
export function tensor(values: NestedArray | Storage | readonly number[], shapeOrOpts?: Shape | CreateOptions, maybeOpts: CreateOptions = {}): Tensor {
  const shapeGiven = Array.isArray(shapeOrOpts);
  const opts = (shapeGiven ? maybeOpts : (shapeOrOpts as CreateOptions | undefined)) ?? {};
  if (ArrayBuffer.isView(values)) {
    const shape = shapeGiven ? (shapeOrOpts as Shape) : [values.length];
    if (numel(shape) !== values.length) fail('tensor', `shape ${fmtShape(shape)} needs ${numel(shape)} elements, the array has ${values.length}`);
    const natural = opts.dtype && values instanceof Uint16Array ? opts.dtype : dtypeOfArray(values as Storage);
    let t = new Tensor(values as Storage, shape, natural);
    if (opts.dtype && opts.dtype !== natural) t = castStorage(t, opts.dtype);
    return finish(t, opts);
  }
  const flat: number[] = [];
  const inferred: number[] = [];
  const walk = (v: NestedArray, depth: number): void => {
    if (Array.isArray(v)) {
      if (inferred.length <= depth) inferred.push(v.length);
      else if (inferred[depth] !== v.length) fail('tensor', `ragged nested array: length ${v.length} at depth ${depth}, expected ${inferred[depth]}`);
      for (const e of v) walk(e, depth + 1);
    } else {
      if (typeof v !== 'number') fail('tensor', `expected numbers, got ${typeof v}`);
      if (depth !== inferred.length) fail('tensor', 'ragged nested array: a number where an array was expected');
      flat.push(v);
    }
  };
  walk(values as NestedArray, 0);
  const shape = shapeGiven ? (shapeOrOpts as Shape) : inferred;
  if (numel(shape) !== flat.length) fail('tensor', `shape ${fmtShape(shape)} needs ${numel(shape)} elements, got ${flat.length}`);
  const dtype = opts.dtype ?? 'f32';
  if (dtype === 'f16' || dtype === 'bf16') return finish(castStorage(tensor(flat, shape), dtype), opts);
  const t = Tensor.empty(shape, dtype);
  t.data.set(flat);
  return finish(t, opts);
}

export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  const t = Tensor.empty(shape, opts.dtype ?? 'f32');
  if (value !== 0) {
    if (t.dtype === 'f16' || t.dtype === 'bf16') return finish(castStorage(full(shape, value), t.dtype), opts);
    t.data.fill(value);
  }
  return finish(t, opts);
}

export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 1, opts);

/** [start, end) in steps; arange(n) is 0..n-1. Integer arguments give i32 unless a dtype is set. */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (step === 0) fail('arange', 'step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = [start, end, step].every(Number.isInteger);
  const t = Tensor.empty([n], opts.dtype ?? (ints ? 'i32' : 'f32'));
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return finish(t, opts);
}

export interface RandomOptions extends CreateOptions {
  rng?: Rng;
}

/** Uniform in [low, high). */
export function rand(shape: Shape, opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const rng = opts.rng ?? defaultRng();
  const lo = opts.low ?? 0;
  const span = (opts.high ?? 1) - lo;
  const t = Tensor.empty(shape, opts.dtype ?? 'f32');
  for (let i = 0; i < t.data.length; i++) t.data[i] = lo + span * rng.uniform();
  return finish(t, opts);
}

/** Normal with the given mean and std (default standard normal). */
export function randn(shape: Shape, opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const rng = opts.rng ?? defaultRng();
  const mu = opts.mean ?? 0;
  const sd = opts.std ?? 1;
  const t = Tensor.empty(shape, opts.dtype ?? 'f32');
  for (let i = 0; i < t.data.length; i++) t.data[i] = mu + sd * rng.normal();
  return finish(t, opts);
}

/** Uniform integers in [low, high) as i32. */
export function randint(low: number, high: number, shape: Shape, opts: { rng?: Rng } = {}): Tensor {
  const rng = opts.rng ?? defaultRng();
  const t = Tensor.empty(shape, 'i32');
  for (let i = 0; i < t.data.length; i++) t.data[i] = low + rng.int(high - low);
  return t;
}

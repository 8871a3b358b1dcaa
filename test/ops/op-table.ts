// Every op of the conformance suite: how to call it from a fixture case, and its tolerance.
// Errors are measured relative to scale: max|got - want| / max|want| over the whole tensor
// (1 when the reference is all zeros). Integer and mask outputs must match exactly.
import * as T from '../../src/index.ts';
import type { Tensor } from '../../src/index.ts';
import type { Params } from './fixture.ts';

type Run = (x: Tensor[], p: Params) => Tensor | Tensor[];

export interface OpSpec {
  run: Run;
  /** Relative-to-scale tolerance of the forward outputs and of the gradients (float32). */
  fwd: number;
  grad: number;
  /** False for ops without a usable derivative (rounding, integer outputs, masks). */
  gradcheck: boolean;
}

const F32 = 1e-5;
const num = (v: Params[string]): number | undefined => (typeof v === 'number' ? v : undefined);
const axes = (p: Params): number[] | undefined => (Array.isArray(p.axes) ? p.axes : undefined);

function spec(run: Run, opts: Partial<Omit<OpSpec, 'run'>> = {}): OpSpec {
  return { run, fwd: opts.fwd ?? F32, grad: opts.grad ?? F32, gradcheck: opts.gradcheck ?? true };
}

const unary = (f: (x: Tensor) => Tensor) => spec(([x]) => f(x));
/** A second operand that is a tensor or, for the scalar cases, a number. */
const binary = (f: (a: Tensor, b: Tensor | number) => Tensor, opts: Partial<OpSpec> = {}) =>
  spec(([a, b], p) => f(a, p.scalar !== undefined ? (p.scalar as number) : b), opts);
const compare = (f: (a: Tensor, b: Tensor | number) => Tensor) =>
  spec(([a, b], p) => f(a, p.scalar !== undefined ? (p.scalar as number) : b), { gradcheck: false });

export const OPS: Record<string, OpSpec> = {
  neg: unary(T.neg), exp: unary(T.exp), log: unary(T.log), sqrt: unary(T.sqrt), rsqrt: unary(T.rsqrt),
  abs: unary(T.abs), sign: unary(T.sign), tanh: unary(T.tanh), sigmoid: unary(T.sigmoid), relu: unary(T.relu),
  silu: unary(T.silu), square: unary(T.square), reciprocal: unary(T.reciprocal),
  gelu: unary((x) => T.gelu(x)), geluTanh: unary((x) => T.gelu(x, 'tanh')),

  add: binary(T.add), sub: binary(T.sub), mul: binary(T.mul), div: binary(T.div),
  pow: binary(T.pow), maximum: binary(T.maximum), minimum: binary(T.minimum),
  eq: compare(T.eq), ne: compare(T.ne), lt: compare(T.lt), le: compare(T.le), gt: compare(T.gt), ge: compare(T.ge),
  where: spec(([c, a, b]) => T.where(c, a, b)),
  clamp: spec(([x], p) => T.clamp(x, num(p.min), num(p.max))),
  // f16/bf16 round trips are exact (both sides round to nearest even); their gradient is the
  // cotangent rounded the same way. Rounding has no finite-difference derivative.
  cast: spec(([x], p) => {
    const to = p.to as T.DType;
    return to === 'f16' || to === 'bf16' ? x.cast(to).cast(x.dtype) : x.cast(to);
  }, { fwd: 0, grad: 0, gradcheck: false }),

  sum: spec(([x], p) => T.sum(x, axes(p), p.keepdim as boolean)),
  mean: spec(([x], p) => T.mean(x, axes(p), p.keepdim as boolean)),
  var: spec(([x], p) => T.variance(x, axes(p), p.keepdim as boolean, p.correction as number)),
  max: spec(([x], p) => T.max(x, axes(p), p.keepdim as boolean)),
  min: spec(([x], p) => T.min(x, axes(p), p.keepdim as boolean)),
  logsumexp: spec(([x], p) => T.logsumexp(x, axes(p), p.keepdim as boolean)),
  argmax: spec(([x], p) => T.argmax(x, p.axis as number, p.keepdim as boolean), { gradcheck: false }),
  argmin: spec(([x], p) => T.argmin(x, p.axis as number, p.keepdim as boolean), { gradcheck: false }),

  matmul: spec(([a, b]) => T.matmul(a, b)),
  matmulBT: spec(([a, b]) => T.matmul(a, b.T)),
  matmulAT: spec(([a, b]) => T.matmul(a.T, b)),

  gather: spec(([x, i], p) => T.gather(x, p.axis as number, i)),
  scatterAdd: spec(([x, i, s], p) => T.scatterAdd(x, p.axis as number, i, s)),
  indexSelect: spec(([x, i], p) => T.indexSelect(x, p.axis as number, i)),
  embedding: spec(([w, i]) => T.embedding(w, i)),

  concat: spec((xs, p) => T.concat(xs, p.axis as number)),
  stack: spec((xs, p) => T.stack(xs, p.axis as number)),
  split: spec(([x], p) => T.split(x, p.sizes as number | number[], p.axis as number)),
  pad: spec(([x], p) => T.pad(x, p.pads as number[], p.value as number)),

  reshape: spec(([x], p) => T.reshape(x, p.shape as number[])),
  permute: spec(([x], p) => T.permute(x, p.dims as number[])),
  transpose: spec(([x], p) => T.transpose(x, p.a as number, p.b as number)),
  slice: spec(([x], p) => T.slice(x, p.axis as number, p.start as number, num(p.end), p.step as number)),
  expand: spec(([x], p) => T.expand(x, p.shape as number[])),
  viewChain: spec(([x]) => {
    const v = x.transpose(0, 2).slice(0, 1).slice(1, 0, undefined, 2).contiguous().reshape(-1); // (48)
    return v.mul(T.arange(0, v.numel, 1, { dtype: x.dtype }));
  }),

  softmax: spec(([x], p) => T.softmax(x, p.axis as number)),
  logSoftmax: spec(([x], p) => T.logSoftmax(x, p.axis as number)),
  layerNorm: spec(([x, w, b], p) => T.layerNorm(x, w ?? null, b ?? null, p.eps as number)),
  rmsNorm: spec(([x, w], p) => T.rmsNorm(x, w ?? null, p.eps as number)),
  crossEntropy: spec(([l, t], p) => T.crossEntropy(l, t, {
    ignoreIndex: num(p.ignoreIndex), labelSmoothing: num(p.labelSmoothing),
    reduction: p.reduction as 'mean' | 'sum' | 'none' | undefined,
  })),
};

/** max|got - want| / scale, scale = max|want| (1 when want is all zeros); NaN/Inf must agree. */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let scale = 0;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
  if (scale === 0) scale = 1;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (!Number.isFinite(b) || !Number.isFinite(a)) {
      if (!Object.is(a, b) && !(Number.isNaN(a) && Number.isNaN(b))) return Infinity;
      continue;
    }
    err = Math.max(err, Math.abs(a - b) / scale);
  }
  return err;
}

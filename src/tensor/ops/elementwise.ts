// Elementwise ops: unary, binary with broadcasting, where, comparisons, clamp, cast. Each op's
// gradient (vjp) sits beside its forward.
import type { BinaryOp, DType, UnaryGradOp, UnaryOp } from '../../spec/backend.ts';
import { Tensor, type TensorLike } from '../tensor.ts';
import { kernel } from '../engine.ts';
import { record } from '../autograd.ts';
import { isComputeFloat, isFloat } from '../dtype.ts';
import { broadcastShapes, broadcastStrides } from '../../util/shape.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { sumTo } from './reduce.ts';
import { castStorage } from './cast.ts';

/** A number becomes a 0-d tensor of `like`'s dtype; a tensor passes through. */
export function lift(x: TensorLike, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const t = Tensor.empty([], like.dtype);
  t.data[0] = x;
  return t;
}

function requireFloat(op: string, x: Tensor): void {
  if (!isComputeFloat(x.dtype)) fail(op, `expected a float tensor (f32 or f64), got ${x.dtype} of shape ${fmtShape(x.shape)}`);
}

/** The kernel call shared by every unary op. */
function unaryRaw(op: UnaryOp, x: Tensor): Tensor {
  requireFloat(op, x);
  const xc = x.contiguous();
  const out = Tensor.empty(x.shape, x.dtype);
  kernel('unary', x.dtype)(op, xc.buffer() as Float32Array, out.data as Float32Array);
  return out;
}

function unaryGradRaw(op: UnaryGradOp, x: Tensor, g: Tensor): Tensor {
  const xc = x.contiguous();
  const gc = g.contiguous();
  const out = Tensor.empty(x.shape, x.dtype);
  kernel('unaryGrad', x.dtype)(op, xc.buffer() as Float32Array, gc.buffer() as Float32Array, out.data as Float32Array);
  return out;
}

/** The kernel call shared by every binary op (broadcasting through 0 strides). */
function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, outDtype?: DType): Tensor {
  if (a.dtype !== b.dtype) {
    fail(op, `dtype mismatch: ${a.dtype} ${fmtShape(a.shape)} vs ${b.dtype} ${fmtShape(b.shape)} (cast one operand first)`);
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const od = outDtype ?? a.dtype;
  const out = Tensor.empty(shape, od);
  kernel('binary', a.dtype, od)(
    op,
    { data: a.data, offset: a.offset, strides: broadcastStrides(a.shape, a.strides, shape) },
    { data: b.data, offset: b.offset, strides: broadcastStrides(b.shape, b.strides, shape) },
    out.data,
    shape,
  );
  return out;
}

// ---- unary ops ----------------------------------------------------------------------------------
export function neg(x: Tensor): Tensor {
  return record(unaryRaw('neg', x), 'neg', [x], (g) => [neg(g)]);
}
export function exp(x: Tensor): Tensor {
  const y = unaryRaw('exp', x);
  return record(y, 'exp', [x], (g) => [mul(g, y)]);
}
export function log(x: Tensor): Tensor {
  return record(unaryRaw('log', x), 'log', [x], (g) => [div(g, x)]);
}
export function sqrt(x: Tensor): Tensor {
  const y = unaryRaw('sqrt', x);
  return record(y, 'sqrt', [x], (g) => [div(g, mul(y, 2))]);
}
export function rsqrt(x: Tensor): Tensor {
  const y = unaryRaw('rsqrt', x);
  // d/dx x^(-1/2) = -1/2 · y³
  return record(y, 'rsqrt', [x], (g) => [mul(g, mul(pow(y, 3), -0.5))]);
}
export function abs(x: Tensor): Tensor {
  return record(unaryRaw('abs', x), 'abs', [x], (g) => [mul(g, sign(x))]);
}
export function sign(x: Tensor): Tensor {
  return record(unaryRaw('sign', x), 'sign', [x], (g) => [g.zerosLike()]);
}
export function square(x: Tensor): Tensor {
  return record(unaryRaw('square', x), 'square', [x], (g) => [mul(g, mul(x, 2))]);
}
export function reciprocal(x: Tensor): Tensor {
  const y = unaryRaw('reciprocal', x);
  return record(y, 'reciprocal', [x], (g) => [neg(mul(g, square(y)))]);
}
export function tanh(x: Tensor): Tensor {
  const y = unaryRaw('tanh', x);
  return record(y, 'tanh', [x], (g) => [mul(g, sub(1, square(y)))]);
}
export function sigmoid(x: Tensor): Tensor {
  const y = unaryRaw('sigmoid', x);
  return record(y, 'sigmoid', [x], (g) => [mul(g, mul(y, sub(1, y)))]);
}
export function relu(x: Tensor): Tensor {
  return record(unaryRaw('relu', x), 'relu', [x], (g) => [mul(g, gt(x, 0).cast(x.dtype))]);
}
/** GELU, exact (erf) form by default; 'tanh' is GPT-2's approximation. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  const op = approximate === 'tanh' ? 'geluTanh' : 'gelu';
  return record(unaryRaw(op, x), op, [x], (g) => [unaryGradRaw(op, x, g)]);
}
export function silu(x: Tensor): Tensor {
  return record(unaryRaw('silu', x), 'silu', [x], (g) => [unaryGradRaw('silu', x, g)]);
}

// ---- binary ops ---------------------------------------------------------------------------------
function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) fail(op, 'at least one operand must be a tensor');
  // An integer tensor with a fractional number computes in f32 (as PyTorch promotes), rather than
  // truncating the number to the tensor's dtype.
  const promote = (t: TensorLike, n: TensorLike): TensorLike =>
    t instanceof Tensor && typeof n === 'number' && !isFloat(t.dtype) && !Number.isInteger(n) ? cast(t, 'f32') : t;
  const pa = promote(a, b);
  const pb = promote(b, a);
  const ta = pa instanceof Tensor ? pa : lift(pa, pb as Tensor);
  const tb = pb instanceof Tensor ? pb : lift(pb, ta);
  return [ta, tb];
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('add', a, b);
  return record(binaryRaw('add', x, y), 'add', [x, y], (g) => [sumTo(g, x.shape), sumTo(g, y.shape)]);
}
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('sub', a, b);
  return record(binaryRaw('sub', x, y), 'sub', [x, y], (g) => [sumTo(g, x.shape), y.requiresGrad ? sumTo(neg(g), y.shape) : null]);
}
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('mul', a, b);
  return record(binaryRaw('mul', x, y), 'mul', [x, y], (g) => [
    x.requiresGrad ? sumTo(mul(g, y), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g, x), y.shape) : null,
  ]);
}
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('div', a, b);
  return record(binaryRaw('div', x, y), 'div', [x, y], (g) => [
    x.requiresGrad ? sumTo(div(g, y), x.shape) : null,
    y.requiresGrad ? sumTo(neg(div(mul(g, x), square(y))), y.shape) : null,
  ]);
}
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('pow', a, b);
  const out = binaryRaw('pow', x, y);
  return record(out, 'pow', [x, y], (g) => [
    x.requiresGrad ? sumTo(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g, mul(out, log(x))), y.shape) : null,
  ]);
}
/** Ties split the gradient evenly, as PyTorch does. */
function minMax(op: 'maximum' | 'minimum', a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  return record(binaryRaw(op, x, y), op, [x, y], (g) => {
    const wins = (op === 'maximum' ? gt(x, y) : lt(x, y)).cast(g.dtype);
    const ties = mul(eq(x, y).cast(g.dtype), 0.5);
    const wx = add(wins, ties);
    return [
      x.requiresGrad ? sumTo(mul(g, wx), x.shape) : null,
      y.requiresGrad ? sumTo(mul(g, sub(1, wx)), y.shape) : null,
    ];
  });
}
export function maximum(a: TensorLike, b: TensorLike): Tensor { return minMax('maximum', a, b); }
export function minimum(a: TensorLike, b: TensorLike): Tensor { return minMax('minimum', a, b); }

// ---- comparisons (u8 masks, no gradient) ---------------------------------------------------------
function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  return binaryRaw(op, x, y, 'u8');
}
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare('ge', a, b);

// ---- where, clamp, cast --------------------------------------------------------------------------
/** cond ? a : b, with broadcasting over all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('where', a, b);
  if (x.dtype !== y.dtype) fail('where', `dtype mismatch: ${x.dtype} ${fmtShape(x.shape)} vs ${y.dtype} ${fmtShape(y.shape)}`);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  const out = Tensor.empty(shape, x.dtype);
  const view = (t: Tensor) => ({ data: t.data, offset: t.offset, strides: broadcastStrides(t.shape, t.strides, shape) });
  kernel('where', x.dtype, cond.dtype)(view(cond), view(x), view(y), out.data, shape);
  return record(out, 'where', [x, y], (g) => {
    const zero = g.zerosLike();
    return [
      x.requiresGrad ? sumTo(where(cond, g, zero), x.shape) : null,
      y.requiresGrad ? sumTo(where(cond, zero, g), y.shape) : null,
    ];
  });
}

/** Limits x to [min, max]; the gradient flows where min <= x <= max, as in PyTorch. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  let y = x;
  if (min !== undefined) y = where(lt(x, min), min, y);
  if (max !== undefined) y = where(gt(x, max), max, y);
  return y;
}

/** A copy in another dtype; floats to ints truncate toward zero. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = castStorage(x, dtype);
  // Any float-to-float cast carries the gradient, so x.cast('f16').cast('f32') stays differentiable.
  if (!isFloat(dtype) || !isFloat(x.dtype)) return out;
  return record(out, 'cast', [x], (g) => [cast(g, x.dtype)]);
}

/** A contiguous tensor shaped like x, filled with `value`. */
export function fullLike(x: Tensor, value: number, dtype: DType = x.dtype): Tensor {
  // f16/bf16 hold raw 16-bit words: the value is encoded by a cast, not written as is.
  if (value !== 0 && (dtype === 'f16' || dtype === 'bf16')) return castStorage(fullLike(x, value, 'f32'), dtype);
  const out = Tensor.empty(x.shape, dtype);
  if (value !== 0) out.data.fill(value);
  return out;
}

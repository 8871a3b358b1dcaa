// Reference elementwise kernels: unary, unary gradients, binary with broadcasting, where, copy.
import type { BinaryOp, Kernels, UnaryGradOp, UnaryOp } from '../../spec/backend.ts';
import { forEachRow, lastStride } from './strided.ts';
import * as M from './math.ts';

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  sign: Math.sign,
  tanh: Math.tanh,
  sigmoid: M.sigmoid,
  relu: (x) => (x > 0 ? x : 0),
  gelu: M.gelu,
  geluTanh: M.geluTanh,
  silu: M.silu,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
};

const UNARY_GRAD: Record<UnaryGradOp, (x: number) => number> = {
  gelu: M.geluGrad,
  geluTanh: M.geluTanhGrad,
  silu: M.siluGrad,
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a < b || Number.isNaN(a) ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

export const unary: Kernels['unary'] = (op, x, out) => {
  const f = UNARY[op];
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
};

export const unaryGrad: Kernels['unaryGrad'] = (op, x, gy, gx) => {
  const f = UNARY_GRAD[op];
  for (let i = 0; i < x.length; i++) gx[i] = gy[i] * f(x[i]);
};

export const binary: Kernels['binary'] = (op, a, b, out, shape) => {
  const f = BINARY[op];
  const as = lastStride(a);
  const bs = lastStride(b);
  const ad = a.data;
  const bd = b.data;
  let o = 0;
  forEachRow(shape, [a, b], (off, len) => {
    for (let j = 0; j < len; j++) out[o++] = f(ad[off[0] + j * as], bd[off[1] + j * bs]);
  });
};

export const where: Kernels['where'] = (cond, a, b, out, shape) => {
  const cs = lastStride(cond);
  const as = lastStride(a);
  const bs = lastStride(b);
  let o = 0;
  forEachRow(shape, [cond, a, b], (off, len) => {
    for (let j = 0; j < len; j++) {
      out[o++] = cond.data[off[0] + j * cs] !== 0 ? a.data[off[1] + j * as] : b.data[off[2] + j * bs];
    }
  });
};

/** Typed-array assignment converts: floats to ints truncate toward zero, as a C cast does. */
export const copy: Kernels['copy'] = (src, dst, shape) => {
  const ss = lastStride(src);
  const ds = lastStride(dst);
  const toInt = !(dst.data instanceof Float32Array || dst.data instanceof Float64Array);
  forEachRow(shape, [src, dst], (off, len) => {
    for (let j = 0; j < len; j++) {
      const v = src.data[off[0] + j * ss];
      dst.data[off[1] + j * ds] = toInt ? Math.trunc(v) : v;
    }
  });
};

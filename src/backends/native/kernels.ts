// The Kernels contract on top of the C addon. Float kernels take Float32Array only (the backend
// declares floatDtypes ['f32'], so the engine sends other float dtypes to the fallback). The
// dtype-generic kernels (binary, where, copy) hand inputs the C side does not take to `fallback`.
import type { BinaryOp, Kernels, ReduceOp, StridedView, Storage, UnaryGradOp, UnaryOp, FloatArray } from '../../spec/backend.ts';
import { fail } from '../../util/errors.ts';
import type { NativeAddon } from './addon.ts';
import { nativeAttentionKernels } from './attention.ts';

// Order matches the enums in native/src/elementwise.c and native/src/rows.c.
const unaryCodes: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, sign: 6, tanh: 7, sigmoid: 8, relu: 9, gelu: 10,
  geluTanh: 11, silu: 12, square: 13, reciprocal: 14,
};
const unaryGradCodes: Record<UnaryGradOp, number> = { gelu: 0, geluTanh: 1, silu: 2 };
const binaryCodes: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
};
const reduceCodes: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2, argmax: 3, argmin: 4, logsumexp: 5 };

function f32(where: string, name: string, x: FloatArray): Float32Array {
  if (!(x instanceof Float32Array)) fail(`native.${where}`, `${name} must be a Float32Array (the native backend is f32 only)`);
  return x;
}
const f32opt = (where: string, name: string, x: FloatArray | null): Float32Array | null =>
  x === null ? null : f32(where, name, x);

function missing(kernel: string): never {
  return fail(`native.${kernel}`, 'these dtypes are not taken by the native backend and no fallback was given');
}

/** Kernels backed by `addon`; `fallback` serves dtype combinations the C side does not take. */
export function nativeKernels(addon: NativeAddon, fallback?: Partial<Kernels>): Kernels {
  return {
    ...nativeAttentionKernels(addon, fallback),
    unary(op, x, out) {
      addon.unary(unaryCodes[op], f32('unary', 'x', x), f32('unary', 'out', out));
    },
    unaryGrad(op, x, gy, gx) {
      addon.unaryGrad(unaryGradCodes[op], f32('unaryGrad', 'x', x), f32('unaryGrad', 'gy', gy), f32('unaryGrad', 'gx', gx));
    },
    binary(op, a, b, out, shape) {
      if (addon.binary(binaryCodes[op], a.data, a.offset, a.strides, b.data, b.offset, b.strides, out, shape)) return;
      if (!fallback?.binary) missing('binary');
      fallback.binary(op, a, b, out, shape);
    },
    where(cond, a, b, out, shape) {
      const ok = addon.where(cond.data, cond.offset, cond.strides, a.data, a.offset, a.strides, b.data, b.offset,
        b.strides, out, shape);
      if (ok) return;
      if (!fallback?.where) missing('where');
      fallback.where(cond, a, b, out, shape);
    },
    copy(src: StridedView, dst: StridedView, shape) {
      if (addon.copy(src.data, src.offset, src.strides, dst.data, dst.offset, dst.strides, shape)) return;
      if (!fallback?.copy) missing('copy');
      fallback.copy(src, dst, shape);
    },
    reduce(op, x, rows, cols, out: Storage) {
      addon.reduce(reduceCodes[op], f32('reduce', 'x', x), rows, cols, out);
    },
    matmul(a, b, out, p) {
      addon.matmul(f32('matmul', 'a', a), f32('matmul', 'b', b), f32('matmul', 'out', out), p.batch, p.m, p.n, p.k,
        p.transA, p.transB, p.strideA, p.strideB, p.accumulate ?? false);
    },
    softmax(x, out, rows, cols, log) {
      addon.softmax(f32('softmax', 'x', x), f32('softmax', 'out', out), rows, cols, log);
    },
    softmaxGrad(y, gy, gx, rows, cols, log) {
      addon.softmaxGrad(f32('softmaxGrad', 'y', y), f32('softmaxGrad', 'gy', gy), f32('softmaxGrad', 'gx', gx), rows, cols, log);
    },
    layerNorm(x, w, b, y, mean, rstd, rows, cols, eps) {
      const k = 'layerNorm';
      addon.layerNorm(f32(k, 'x', x), f32opt(k, 'w', w), f32opt(k, 'b', b), f32(k, 'y', y), f32(k, 'mean', mean),
        f32(k, 'rstd', rstd), rows, cols, eps);
    },
    layerNormGrad(x, w, mean, rstd, gy, gx, gw, gb, rows, cols) {
      const k = 'layerNormGrad';
      addon.layerNormGrad(f32(k, 'x', x), f32opt(k, 'w', w), f32(k, 'mean', mean), f32(k, 'rstd', rstd), f32(k, 'gy', gy),
        f32(k, 'gx', gx), f32opt(k, 'gw', gw), f32opt(k, 'gb', gb), rows, cols);
    },
    rmsNorm(x, w, y, rstd, rows, cols, eps) {
      const k = 'rmsNorm';
      addon.rmsNorm(f32(k, 'x', x), f32opt(k, 'w', w), f32(k, 'y', y), f32(k, 'rstd', rstd), rows, cols, eps);
    },
    rmsNormGrad(x, w, rstd, gy, gx, gw, rows, cols) {
      const k = 'rmsNormGrad';
      addon.rmsNormGrad(f32(k, 'x', x), f32opt(k, 'w', w), f32(k, 'rstd', rstd), f32(k, 'gy', gy), f32(k, 'gx', gx),
        f32opt(k, 'gw', gw), rows, cols);
    },
    crossEntropy(logits, targets, loss, lse, rows, cols, ignoreIndex, smoothing) {
      const k = 'crossEntropy';
      addon.crossEntropy(f32(k, 'logits', logits), targets, f32(k, 'loss', loss), f32(k, 'lse', lse), rows, cols,
        ignoreIndex, smoothing);
    },
    crossEntropyGrad(logits, targets, lse, gloss, glogits, rows, cols, ignoreIndex, smoothing) {
      const k = 'crossEntropyGrad';
      addon.crossEntropyGrad(f32(k, 'logits', logits), targets, f32(k, 'lse', lse), f32(k, 'gloss', gloss),
        f32(k, 'glogits', glogits), rows, cols, ignoreIndex, smoothing);
    },
    gather(x, index, out, outer, dim, idxDim, inner) {
      addon.gather(f32('gather', 'x', x), index, f32('gather', 'out', out), outer, dim, idxDim, inner);
    },
    scatterAdd(g, index, gx, outer, dim, idxDim, inner) {
      addon.scatterAdd(f32('scatterAdd', 'g', g), index, f32('scatterAdd', 'gx', gx), outer, dim, idxDim, inner);
    },
    indexSelect(table, ids, out, cols) {
      addon.indexSelect(f32('indexSelect', 'table', table), ids, f32('indexSelect', 'out', out), cols);
    },
    indexAdd(g, ids, gtable, cols) {
      addon.indexAdd(f32('indexAdd', 'g', g), ids, f32('indexAdd', 'gtable', gtable), cols);
    },
    adamw(p, g, m, v, h) {
      addon.adamw(p, g, m, v, h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.step);
    },
  };
}

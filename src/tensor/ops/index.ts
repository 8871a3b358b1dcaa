// The functional op surface: every op, defined once in its own file.
export { neg, exp, log, sqrt, rsqrt, abs, sign, square, reciprocal, tanh, sigmoid, relu, gelu, silu,
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp, cast, fullLike } from './elementwise.ts';
export { sum, mean, variance, max, min, argmax, argmin, logsumexp, sumTo } from './reduce.ts';
export { matmul, matmulAdd } from './matmul.ts';
export { contiguous, clone, reshape, flatten, permute, transpose, slice, expand, squeeze, unsqueeze, copyInto } from './view.ts';
export { concat, stack, split, pad } from './join.ts';
export { gather, scatterAdd, indexSelect, embedding } from './indexing.ts';
export { softmax, logSoftmax, layerNorm, rmsNorm, crossEntropy, dropout } from './nn.ts';
export type { CrossEntropyOptions, DropoutOptions } from './nn.ts';
export { f32ToBf16, bf16ToF32, f32ToF16, f16ToF32 } from './cast.ts';

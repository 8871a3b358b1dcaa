// The tensor layer's public surface.
export { Tensor } from './tensor.ts';
export type { NestedArray, TensorLike } from './tensor.ts';
export { Parameter } from './parameter.ts';
export * from './creation.ts';
export * from './ops/index.ts';
export { backward, record } from './autograd.ts';
export type { GradNode, Vjp, BackwardOptions } from './autograd.ts';
export {
  registerBackend, registerKernel, setBackend, getBackend, listBackends, withBackend, kernel,
  noGrad, enableGrad, isGradEnabled, allocStats, measureAlloc, manualSeed, defaultRng, profileKernels,
} from './engine.ts';
export type { AllocStats, KernelProfileRow } from './engine.ts';
export { isFloat, bytesOf, DTYPES } from './dtype.ts';
export type { DType, Storage, FloatArray } from './dtype.ts';
export { attention, attentionWithLse, attentionFused, attentionNaive, attentionPacked, prepareAttention } from './fast/attention.ts';
export { mergeAttention } from './fast/attention-merge.ts';
export type { AttentionOptions, PreparedAttention } from './fast/attention.ts';

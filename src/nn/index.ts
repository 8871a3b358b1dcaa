// nn: modules (parameter tree, freeze, train/eval, state dict), layers, initialisers, optimisers
// and safetensors io.
export { Module, ModuleList } from './module.ts';
export type { ForwardHook, ParamPredicate, StateDict, LoadStateDictOptions, LoadStateDictResult } from './module.ts';
export { replaceModules, getModule } from './rewrite.ts';
export type { ModulePredicate, ModuleRewrite } from './rewrite.ts';
export * as init from './init.ts';
export { Linear, Embedding } from './layers/linear.ts';
export type { LinearOptions, EmbeddingOptions } from './layers/linear.ts';
export { LayerNorm, RMSNorm } from './layers/norm.ts';
export type { LayerNormOptions, RMSNormOptions } from './layers/norm.ts';
export { Dropout } from './layers/dropout.ts';
export { MLP, SwiGLU, activate } from './layers/mlp.ts';
export type { Activation, MLPOptions } from './layers/mlp.ts';
export { Rope, rotateHalf } from './layers/rope.ts';
export { CausalSelfAttention, createKvCaches } from './layers/attention.ts';
export type { AttentionOptions, AttentionImpl, KvCache } from './layers/attention.ts';
export { AdamW, decayGroups, ADAMW_DEFAULTS } from './optim/adamw.ts';
export type { AdamWHyper, ParamGroup, OptimizerState } from './optim/adamw.ts';
export { warmupCosine, warmupInvSqrt } from './optim/schedule.ts';
export type { LrSchedule, WarmupCosineOptions, WarmupInvSqrtOptions } from './optim/schedule.ts';
export { clipGradNorm } from './optim/clip.ts';
export { encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors } from './io/safetensors.ts';
export type { Safetensors } from './io/safetensors.ts';

// The generation layer's public surface.
export { KvCache, type KvCacheShape, type CacheStep } from './kv-cache.ts';
export { createCache, type CausalLm, type CausalLmConfig, type ForwardStep } from './causal-lm.ts';
export { generate, decodeSteps, createSequences, type GenerateOptions, type GenerationResult, type TokenEvent } from './generate.ts';
export { Sequence, type DecodeOptions, type FinishReason, type TokenLogprob } from './sequence.ts';
export { distribution, sampleFrom, argmax, samplingDefaults, logSoftmaxRow, TokenHistory, type SamplingOptions } from './sampling.ts';
export { TextStream } from './stopping.ts';
export { speculativeGenerate, verifyToken, residual, acceptanceRate, type SpeculativeOptions, type SpeculativeResult, type SpeculativeStats, type GammaSchedule } from './speculative.ts';
export { expectedTokens, predictedSpeedup, operationsFactor, bestGamma } from './speculative-math.ts';
export { DecoderLmRunner } from './decoder-lm.ts';

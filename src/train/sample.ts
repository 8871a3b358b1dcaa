// Text samples from a trained model, for the job's end-of-run samples and `tessera generate`: the
// generation layer's KV-cached decoding (DecoderLmRunner) and its sampler, so there is one
// sampling implementation in the project.
import { DecoderLmRunner, generate } from '../generation/index.ts';
import type { DecoderLM } from '../models/index.ts';
import { check } from '../util/errors.ts';

export interface SampleOptions {
  readonly maxTokens: number;
  /** 0 means greedy (argmax). */
  readonly temperature: number;
  /** Sample among the k most likely tokens (0 or absent: all). */
  readonly topK?: number;
  /** Prompt i draws from the random stream seeded with seed + i. */
  readonly seed: number;
  /** Stop after this id (e.g. end of text); it is not returned. */
  readonly stopId?: number;
}

/**
 * Continues each prompt by up to maxTokens ids and returns the new ids of each. A prompt longer
 * than the context keeps its last tokens; generation stops when the context is full.
 */
export function sampleTokens(model: DecoderLM, prompts: readonly (readonly number[])[], opts: SampleOptions): number[][] {
  check(prompts.length > 0 && prompts.every((p) => p.length > 0), 'sample', 'every prompt must hold at least one token');
  check(opts.temperature >= 0, 'sample', `temperature must be >= 0, got ${opts.temperature}`);
  const ctx = model.config.maxSeqLen;
  const runner = new DecoderLmRunner(model);
  const res = generate(runner, prompts.map((p) => p.slice(-(ctx - 1))), {
    maxTokens: opts.maxTokens, temperature: opts.temperature, topK: opts.topK ?? 0, seed: opts.seed,
    stopTokens: opts.stopId === undefined ? [] : [opts.stopId],
  });
  return res.map((r) => r.tokens);
}

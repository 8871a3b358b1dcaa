// Text samples at the end of training: a plain loop over the model's forward (no KV cache),
// greedy at temperature 0, otherwise softmax sampling with optional top-k.
import { noGrad, tensor } from '../tensor/index.ts';
import { check } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import type { LanguageModel } from './types.ts';

export interface SampleOptions {
  readonly maxTokens: number;
  /** 0 means greedy (argmax). */
  readonly temperature: number;
  readonly topK?: number;
  /** The model's context length: the prompt is cropped to its last `contextLength` tokens. */
  readonly contextLength: number;
  readonly rng: Rng;
  /** Stop after emitting this id (e.g. end of text). */
  readonly stopId?: number;
}

/** Index drawn from logits at a temperature (argmax when temperature is 0), restricted to the top k. */
export function pickToken(logits: ArrayLike<number>, temperature: number, rng: Rng, topK = 0): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  let cut = -Infinity;
  if (topK > 0 && topK < logits.length) cut = Array.from(logits).sort((a, b) => b - a)[topK - 1]!;
  const w = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i]! >= cut) total += w[i] = Math.exp((logits[i]! - logits[best]!) / temperature);
  }
  let u = rng.uniform() * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i]!;
    if (u < 0 && w[i]! > 0) return i;
  }
  return best;
}

/** Continues `prompt` by up to maxTokens ids; returns only the new ids. */
export function sampleTokens(model: LanguageModel, prompt: readonly number[], opts: SampleOptions): number[] {
  check(prompt.length > 0, 'sample', 'prompt must hold at least one token');
  check(opts.temperature >= 0, 'sample', `temperature must be >= 0, got ${opts.temperature}`);
  model.eval?.();
  const ids = [...prompt];
  const out: number[] = [];
  noGrad(() => {
    for (let i = 0; i < opts.maxTokens; i++) {
      const ctx = ids.slice(-opts.contextLength);
      const logits = model.forward(tensor(Int32Array.from(ctx), [1, ctx.length])); // (1, t, V)
      const V = logits.shape[2]!;
      const last = logits.slice(1, ctx.length - 1, ctx.length).contiguous().buffer(); // (1, 1, V)
      const id = pickToken(last.subarray(0, V), opts.temperature, opts.rng, opts.topK ?? 0);
      ids.push(id);
      out.push(id);
      if (id === opts.stopId) break;
    }
  });
  return out;
}

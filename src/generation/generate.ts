// Plain decoding of a batch: prompts are left-padded to one length and prefilled in one forward
// (padding masked out, position ids counted over real tokens only); then every unfinished row
// takes one token per step.
import type { CausalLm } from './causal-lm.ts';
import { createCache } from './causal-lm.ts';
import { Sequence, type DecodeOptions, type FinishReason, type TokenLogprob } from './sequence.ts';
import { check } from '../util/errors.ts';

export interface TokenEvent {
  readonly row: number;
  readonly token: number;
  /** Text released by this token (may be empty while a stop string or character is pending). */
  readonly text: string;
}

export interface GenerateOptions extends DecodeOptions {
  /** Called for each generated token, in order (streaming). */
  readonly onToken?: (e: TokenEvent) => void;
  /** Id written into padding positions (never attended to). */
  readonly padId?: number;
}

export interface GenerationResult {
  readonly tokens: number[];
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly logprobs: TokenLogprob[];
}

/** Row i draws from the stream seeded with seed + i, so a row's output does not depend on the batch. */
export function createSequences(model: CausalLm, prompts: readonly (readonly number[])[], opts: DecodeOptions): Sequence[] {
  check(prompts.length > 0, 'generate', 'needs at least one prompt');
  const { vocabSize, contextLength } = model.config;
  return prompts.map((p, i) => new Sequence(p, { ...opts, seed: (opts.seed ?? 0) + i }, vocabSize, contextLength));
}

export function result(s: Sequence): GenerationResult {
  return { tokens: [...s.tokens], text: s.text, finishReason: s.finishReason ?? 'length', logprobs: s.logprobs };
}

/**
 * Decodes step by step: prefill, then one token per unfinished row per step. Yields each step's
 * token events (after onToken saw them), so callers can pause, stream or stop between steps.
 */
export function* decodeSteps(model: CausalLm, seqs: readonly Sequence[], opts: GenerateOptions = {}): Generator<TokenEvent[], void, void> {
  const b = seqs.length;
  const t = Math.max(...seqs.map((s) => s.prompt.length));
  const cache = createCache(model, b, t + Math.max(1, Math.min(seqs[0].maxTokens, model.config.contextLength)));
  const ids = new Int32Array(b * t).fill(opts.padId ?? 0);
  const mask = new Uint8Array(b * t);
  seqs.forEach((s, i) => {
    ids.set(s.prompt, i * t + t - s.prompt.length);
    mask.fill(1, i * t + t - s.prompt.length, (i + 1) * t);
  });
  const v = model.config.vocabSize;
  let rows = seqs.map((_, i) => i).filter((i) => !seqs[i].done);
  let logits = rows.length ? model.forward(ids, b, t, cache, { mask, lastOnly: true }) : new Float32Array(0);
  const logitRow = seqs.map((_, i) => i);
  while (rows.length > 0) {
    const events: TokenEvent[] = [];
    for (const i of rows) {
      const row = logits.subarray(logitRow[i] * v, (logitRow[i] + 1) * v);
      const token = seqs[i].pick(row);
      const e = { row: i, token, text: seqs[i].append(token, row) };
      opts.onToken?.(e);
      events.push(e);
    }
    rows = rows.filter((i) => !seqs[i].done);
    yield events;
    rows = rows.filter((i) => !seqs[i].done); // a caller may have cancelled rows
    if (rows.length === 0) break;
    logits = model.forward(rows.map((i) => seqs[i].tokens[seqs[i].tokens.length - 1]), rows.length, 1, cache, { rows });
    rows.forEach((i, k) => { logitRow[i] = k; });
  }
}

export function generate(model: CausalLm, prompts: readonly (readonly number[])[], opts: GenerateOptions = {}): GenerationResult[] {
  const seqs = createSequences(model, prompts, opts);
  for (const _ of decodeSteps(model, seqs, opts)) { /* run to the end */ }
  return seqs.map(result);
}

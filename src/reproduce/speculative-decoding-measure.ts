// Measurements for the speculative-decoding reproduction: per-step costs (T_1, T_k, T_q, with
// sampling and acceptance work included), and plain vs speculative walltime on a prompt set.
import { performance } from 'node:perf_hooks';
import { createCache, type CausalLm } from '../generation/causal-lm.ts';
import { distribution, sampleFrom, samplingDefaults } from '../generation/sampling.ts';
import { generate } from '../generation/generate.ts';
import { speculativeGenerate } from '../generation/speculative.ts';
import { Rng } from '../util/rng.ts';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface StepCosts {
  /** Seconds: target one-token step, target k-position pass (index k), draft step. */
  readonly t1: number;
  readonly tk: number[];
  readonly tq: number;
}

/**
 * Median costs after warm-up, each with what every decoding step does around the forward: one
 * distribution and draw, and for a k-position pass the cache truncation (so v_1 = 1). The extra
 * scoring of accepted drafts is not in T_k: it is part of what the prediction leaves out.
 */
export function measureStepCosts(target: CausalLm, draft: CausalLm, prompt: readonly number[], maxK: number, reps: number): StepCosts {
  const s = samplingDefaults({ temperature: 1 });
  const rng = new Rng(1);
  let sink = 0; // keeps the measured work observable
  const time = (m: CausalLm, k: number): number => {
    const cache = createCache(m, 1);
    m.forward(prompt, 1, prompt.length, cache);
    const base = cache.lengths[0];
    const feed = prompt.slice(0, k);
    const ts: number[] = [];
    for (let r = 0; r < reps + 10; r++) {
      const t0 = performance.now();
      const logits = m.forward(feed, 1, k, cache);
      sink += sampleFrom(distribution(logits.subarray(0, m.config.vocabSize), s), rng.uniform());
      cache.truncate(0, base);
      if (r >= 10) ts.push((performance.now() - t0) / 1000);
    }
    return median(ts);
  };
  const tk = [0];
  for (let k = 1; k <= maxK; k++) tk.push(time(target, k));
  const costs = { t1: tk[1], tk, tq: time(draft, 1) };
  return sink >= 0 ? costs : costs;
}

export interface SpeedRun {
  /** Steady-state decoding seconds and tokens after each run's first step (prefill excluded). */
  readonly plainSeconds: number;
  readonly plainTokens: number;
  readonly specSeconds: number;
  readonly specTokens: number;
  readonly tokens: number;
  readonly drafted: number;
  readonly betaSum: number;
  readonly passes: number;
  /** Whether greedy speculative output equalled plain greedy output on every prompt. */
  readonly identical: boolean;
}

// Times from the first emitted token to the last: tokens after the first step, and their seconds.
function steady(run: (onToken: () => void) => void): { seconds: number; tokens: number } {
  let first = -1;
  let last = 0;
  let count = 0;
  let atFirst = 0;
  run(() => {
    const now = performance.now();
    if (first < 0) first = now;
    if (now === first) atFirst++;
    last = now;
    count++;
  });
  return { seconds: (last - first) / 1000, tokens: count - atFirst };
}

/** Plain and speculative decoding of every prompt, interleaved per prompt. */
export function speedRun(target: CausalLm, draft: CausalLm, prompts: readonly (readonly number[])[], o: { gamma: number; temperature: number; maxTokens: number; seed: number }): SpeedRun {
  const r = { plainSeconds: 0, plainTokens: 0, specSeconds: 0, specTokens: 0, tokens: 0, drafted: 0, betaSum: 0, passes: 0, identical: true };
  prompts.forEach((p, i) => {
    const opts = { temperature: o.temperature, maxTokens: o.maxTokens, seed: o.seed + i };
    let plain: number[] = [];
    const a = steady((onToken) => { plain = generate(target, [p], { ...opts, onToken })[0].tokens; });
    let spec: number[] = [];
    const b = steady((onToken) => {
      const out = speculativeGenerate(target, draft, p, { ...opts, gamma: o.gamma, onToken });
      spec = out.tokens;
      r.drafted += out.stats.drafted;
      r.betaSum += out.stats.betaSum;
      r.passes += out.stats.targetPasses;
    });
    r.plainSeconds += a.seconds;
    r.plainTokens += a.tokens;
    r.specSeconds += b.seconds;
    r.specTokens += b.tokens;
    r.tokens += spec.length;
    if (o.temperature === 0 && spec.join() !== plain.join()) r.identical = false;
  });
  return r;
}

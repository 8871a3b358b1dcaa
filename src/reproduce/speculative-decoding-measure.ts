// Measurements for the speculative-decoding reproduction: per-step costs (T_1, T_k, T_q, with
// sampling and acceptance work included), and plain vs speculative walltime on a prompt set.
import { performance } from 'node:perf_hooks';
import { createCache, type CausalLm } from '../generation/causal-lm.ts';
import type { KvCache } from '../generation/kv-cache.ts';
import { distribution, sampleFrom, samplingDefaults } from '../generation/sampling.ts';
import { generate } from '../generation/generate.ts';
import { speculativeGenerate } from '../generation/speculative.ts';
import { Rng } from '../util/rng.ts';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface StepCosts {
  /** Seconds (medians): target one-token step, target k-position pass (index k), draft step. */
  readonly t1: number;
  readonly tk: number[];
  readonly tq: number;
}

/** Raw samples of the step costs: per k (index k) for the target, and for the draft. */
export interface CostSamples {
  readonly tk: number[][];
  readonly tq: number[];
}

export function costSamples(maxK: number): CostSamples {
  return { tk: Array.from({ length: maxK + 1 }, () => [] as number[]), tq: [] };
}

export function costMedians(s: CostSamples): StepCosts {
  const tk = s.tk.map((xs) => (xs.length ? median(xs) : 0));
  return { t1: tk[1], tk, tq: median(s.tq) };
}

/**
 * Adds `reps` samples of each cost to `into`, interleaved (every rep times k = 1..maxK and the
 * draft once, in a rotating order) so that load changes hit every quantity alike. Each sample
 * includes what decoding does around the forward: a k-position pass computes the k sampling
 * distributions (a verification needs all of them), draws once and truncates the cache, so T_1
 * is exactly a plain decoding step; a draft step computes its distribution and draws. `context`
 * is prefilled first so attention reads a cache of realistic length.
 */
export function measureStepCosts(target: CausalLm, draft: CausalLm, context: readonly number[], maxK: number, reps: number, into: CostSamples, warmup = 1): void {
  const s = samplingDefaults({ temperature: 1 });
  const rng = new Rng(1);
  const v = target.config.vocabSize;
  const setup = (m: CausalLm): { cache: KvCache; base: number } => {
    const cache = createCache(m, 1);
    m.forward(context, 1, context.length, cache);
    return { cache, base: cache.lengths[0] };
  };
  const tc = setup(target);
  const dc = setup(draft);
  const time = (m: CausalLm, c: { cache: KvCache; base: number }, k: number): number => {
    const t0 = performance.now();
    const logits = m.forward(context.slice(0, k), 1, k, c.cache);
    let p = distribution(logits.subarray(0, v), s);
    for (let i = 1; i < k; i++) p = distribution(logits.subarray(i * v, (i + 1) * v), s);
    lastDraw = sampleFrom(p, rng.uniform()); // kept observable, so the work is not optimised away
    c.cache.truncate(0, c.base);
    return (performance.now() - t0) / 1000;
  };
  const jobs = [...Array.from({ length: maxK }, (_, i) => i + 1), 0]; // 0: the draft step
  for (let r = -warmup; r < reps; r++) {
    for (let j = 0; j < jobs.length; j++) {
      const k = jobs[(j + r + warmup + into.tq.length) % jobs.length];
      const t = k === 0 ? time(draft, dc, 1) : time(target, tc, k);
      if (r < 0) continue; // warm-up
      if (k === 0) into.tq.push(t);
      else into.tk[k].push(t);
    }
  }
}

let lastDraw = 0;
/** The last token drawn while measuring costs (keeps that work observable). */
export const lastCostDraw = (): number => lastDraw;

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
  /** Costs as they occurred inside the speculative loop: draft steps, and target passes over γ + 1 positions. */
  readonly draftSeconds: number;
  readonly draftSteps: number;
  readonly verifySeconds: number;
  readonly verifyPasses: number;
  /** Whether greedy speculative output equalled plain greedy output on every prompt. */
  readonly identical: boolean;
}

/** Counts the model's forward passes, so tokens can be told apart by the pass that made them. */
class Counted implements CausalLm {
  passes = 0;
  readonly config: CausalLm['config'];
  constructor(private readonly inner: CausalLm) { this.config = inner.config; }
  forward(...a: Parameters<CausalLm['forward']>): Float32Array { this.passes++; return this.inner.forward(...a); }
}

// Steady state: from the first emitted token to the last, counting only tokens made by later
// target passes (the first step's tokens, after the prefill, are all left out, as is its time).
function steady(target: Counted, run: (onToken: () => void) => void): { seconds: number; tokens: number } {
  let first = -1;
  let firstPass = -1;
  let last = 0;
  let count = 0;
  run(() => {
    const now = performance.now();
    if (first < 0) { first = now; firstPass = target.passes; }
    if (target.passes !== firstPass) count++;
    last = now;
  });
  return { seconds: (last - first) / 1000, tokens: count };
}

/** Plain and speculative decoding of every prompt, interleaved per prompt (each pair back to back). */
export function speedRun(model: CausalLm, draft: CausalLm, prompts: readonly (readonly number[])[], o: { gamma: number; temperature: number; maxTokens: number; seed: number }): SpeedRun {
  const target = new Counted(model);
  const r = {
    plainSeconds: 0, plainTokens: 0, specSeconds: 0, specTokens: 0, tokens: 0, drafted: 0, betaSum: 0, passes: 0,
    draftSeconds: 0, draftSteps: 0, verifySeconds: 0, verifyPasses: 0, identical: true,
  };
  prompts.forEach((p, i) => {
    const opts = { temperature: o.temperature, maxTokens: o.maxTokens, seed: o.seed + i };
    let plain: number[] = [];
    let spec: number[] = [];
    const runPlain = (): { seconds: number; tokens: number } => steady(target, (onToken) => { plain = generate(target, [p], { ...opts, onToken })[0].tokens; });
    const runSpec = (): { seconds: number; tokens: number } => steady(target, (onToken) => {
      const out = speculativeGenerate(target, draft, p, { ...opts, gamma: o.gamma, onToken });
      spec = out.tokens;
      r.drafted += out.stats.drafted;
      r.betaSum += out.stats.betaSum;
      r.passes += out.stats.targetPasses;
      r.draftSeconds += out.stats.draftSeconds;
      r.draftSteps += out.stats.draftSteps;
      r.verifySeconds += out.stats.passSeconds[o.gamma + 1] ?? 0;
      r.verifyPasses += out.stats.passCount[o.gamma + 1] ?? 0;
    });
    // The order alternates by prompt, so neither side always runs first (warm caches, drifting load).
    const [a, b] = i % 2 === 0 ? [runPlain(), runSpec()] : (() => { const y = runSpec(); return [runPlain(), y]; })();
    r.plainSeconds += a.seconds;
    r.plainTokens += a.tokens;
    r.specSeconds += b.seconds;
    r.specTokens += b.tokens;
    r.tokens += spec.length;
    if (o.temperature === 0 && spec.join() !== plain.join()) r.identical = false;
  });
  return r;
}

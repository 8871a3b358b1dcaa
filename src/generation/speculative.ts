// Speculative decoding (Leviathan et al. 2023, Algorithm 1): a draft model proposes γ tokens, the
// target scores all γ+1 positions in one pass, each draft survives with probability min(1, p/q),
// the first rejection is replaced by a draw from norm(max(0, p − q)), and a bonus token comes from
// the target when all survive. Greedy mode keeps drafts while they equal the target's argmax, so
// its output is token-identical to plain greedy decoding. Batch 1.
import { performance } from 'node:perf_hooks';
import { Rng } from '../util/rng.ts';
import { check } from '../util/errors.ts';
import { createCache, type CausalLm } from './causal-lm.ts';
import type { KvCache } from './kv-cache.ts';
import { argmax, distribution, sampleFrom } from './sampling.ts';
import { createSequences, result, type GenerateOptions, type GenerationResult } from './generate.ts';
import { bestGamma } from './speculative-math.ts';

export type GammaSchedule = 'constant' | 'heuristic' | 'adaptive';

export interface SpeculativeOptions extends GenerateOptions {
  /** Draft tokens per step (the starting value for the adaptive schedules). Default 4. */
  readonly gamma?: number;
  /** constant; heuristic (HF: +2 after a fully accepted step, −1 otherwise); adaptive (the γ maximizing the predicted speedup from running α, c, v). */
  readonly schedule?: GammaSchedule;
  readonly maxGamma?: number;
  /** Caches (slot 0) already holding prompt[:-1] for target and draft; copied, not changed. */
  readonly prefix?: { readonly target: KvCache; readonly draft: KvCache };
}

export interface SpeculativeStats {
  /** Target passes (verification steps) and tokens emitted. */
  targetPasses: number;
  emitted: number;
  drafted: number;
  accepted: number;
  /** Sum of β = Σ min(p, q) over drafted positions; α = betaSum / drafted. */
  betaSum: number;
  /** Seconds in draft steps and target passes, and the number of draft steps. */
  draftSeconds: number;
  draftSteps: number;
  targetSeconds: number;
  /** Target pass seconds and counts by number of positions k (index k). */
  passSeconds: number[];
  passCount: number[];
  gammas: number[];
}

export interface SpeculativeResult extends GenerationResult {
  readonly stats: SpeculativeStats;
}

export function acceptanceRate(s: SpeculativeStats): number {
  return s.drafted ? s.betaSum / s.drafted : 0;
}

export function speculativeGenerate(target: CausalLm, draft: CausalLm, prompt: readonly number[], opts: SpeculativeOptions = {}): SpeculativeResult {
  check(draft.config.vocabSize === target.config.vocabSize, 'speculativeGenerate',
    `draft vocabulary (${draft.config.vocabSize}) must equal the target's (${target.config.vocabSize})`);
  const [seq] = createSequences(target, [prompt], opts);
  const maxGamma = opts.maxGamma ?? 16;
  let gamma = opts.gamma ?? 4;
  check(Number.isInteger(gamma) && gamma >= 1 && gamma <= maxGamma, 'speculativeGenerate', `gamma must be an integer in 1..${maxGamma}, got ${gamma}`);
  const schedule = opts.schedule ?? 'constant';
  const greedy = seq.sampling.temperature === 0;
  const seed = opts.seed ?? 0;
  // Separate streams for drafting, acceptance tests and residual draws (shared ones correlate them).
  const draftRng = new Rng(seed ^ 0x3c6ef372);
  const acceptRng = new Rng(seed ^ 0x1b873593);
  const residualRng = new Rng(seed ^ 0x7f4a7c15);
  const ctx = Math.min(target.config.contextLength, draft.config.contextLength);
  const pc = createCache(target, 1, ctx);
  const qc = createCache(draft, 1, ctx);
  const v = target.config.vocabSize;
  const all = [...prompt];
  const stats: SpeculativeStats = {
    targetPasses: 0, emitted: 0, drafted: 0, accepted: 0, betaSum: 0, draftSeconds: 0, draftSteps: 0,
    targetSeconds: 0, passSeconds: [], passCount: [], gammas: [],
  };
  if (opts.prefix) {
    check(opts.prefix.target.lengths[0] === prompt.length - 1 && opts.prefix.draft.lengths[0] === prompt.length - 1, 'speculativeGenerate',
      `prefix caches must hold the prompt but its last token (${prompt.length - 1} entries)`);
    pc.copySlot(opts.prefix.target, 0, 0);
    qc.copySlot(opts.prefix.draft, 0, 0);
  } else if (prompt.length > 1) {
    target.forward(prompt.slice(0, -1), 1, prompt.length - 1, pc);
    draft.forward(prompt.slice(0, -1), 1, prompt.length - 1, qc);
  }
  while (!seq.done) {
    const n0 = all.length;
    const g = Math.max(0, Math.min(gamma, seq.maxTokens - seq.tokens.length - 1, ctx - n0));
    stats.gammas.push(g);
    // γ draft steps; the draft first consumes whatever emitted tokens it has not seen.
    const ys: number[] = [];
    const qs: Float64Array[] = [];
    const hq = seq.history.clone();
    let t0 = performance.now();
    for (let i = 0; i < g; i++) {
      const feed = i === 0 ? all.slice(qc.lengths[0]) : [ys[i - 1]];
      const logits = draft.forward(feed, 1, feed.length, qc, { lastOnly: true });
      const q = distribution(logits, seq.sampling, hq);
      const y = greedy ? argmax(q) : sampleFrom(q, draftRng.uniform());
      ys.push(y);
      qs.push(q);
      hq.push(y);
    }
    if (g > 0) { stats.draftSeconds += performance.now() - t0; stats.draftSteps += g; }
    // One target pass over the unseen emitted tokens and the drafts: p_1..p_{g+1}.
    t0 = performance.now();
    const feed = [...all.slice(pc.lengths[0]), ...ys];
    const logits = target.forward(feed, 1, feed.length, pc);
    const hp = seq.history.clone();
    const rowOf = (i: number): Float32Array => logits.subarray((feed.length - g - 1 + i) * v, (feed.length - g + i) * v);
    let n = g;
    let z = -1;
    for (let i = 0; i < g; i++) {
      const p = distribution(rowOf(i), seq.sampling, hp);
      const q = qs[i];
      let beta = 0;
      for (let x = 0; x < v; x++) beta += Math.min(p[x], q[x]);
      stats.betaSum += beta;
      stats.drafted++;
      const y = ys[i];
      const verdict = greedy ? { accepted: argmax(p) === y, token: argmax(p) } : verifyToken(p, q, y, acceptRng, residualRng);
      if (!verdict.accepted) {
        n = i;
        z = verdict.token;
        // β of the positions after a rejection is never observed, as in the paper's estimate.
        break;
      }
      hp.push(y);
    }
    if (z < 0) {
      const p = distribution(rowOf(g), seq.sampling, hp);
      z = greedy ? argmax(p) : sampleFrom(p, residualRng.uniform());
    }
    pc.truncate(0, n0 + n);
    qc.truncate(0, Math.min(qc.lengths[0], n0 + n));
    const dt = performance.now() - t0;
    stats.targetSeconds += dt;
    stats.passSeconds[feed.length] = (stats.passSeconds[feed.length] ?? 0) + dt;
    stats.passCount[feed.length] = (stats.passCount[feed.length] ?? 0) + 1;
    stats.targetPasses++;
    stats.accepted += n;
    for (const [i, tok] of [...ys.slice(0, n), z].entries()) {
      if (seq.done) break;
      const text = seq.append(tok, opts.logprobs !== undefined ? rowOf(i) : undefined);
      all.push(tok);
      stats.emitted++;
      opts.onToken?.({ row: 0, token: tok, text });
    }
    gamma = nextGamma(schedule, gamma, n === g, stats, maxGamma);
  }
  for (const k of ['draftSeconds', 'targetSeconds'] as const) stats[k] /= 1000;
  stats.passSeconds = Array.from(stats.passSeconds, (s) => (s ?? 0) / 1000);
  stats.passCount = Array.from(stats.passCount, (c) => c ?? 0);
  return { ...result(seq), stats };
}

/**
 * One position of Algorithm 1: keep the draft token y with probability min(1, p(y)/q(y)), else
 * draw its replacement from the residual. The output is distributed exactly as p.
 */
export function verifyToken(p: Float64Array, q: Float64Array, y: number, acceptRng: Rng, residualRng: Rng): { accepted: boolean; token: number } {
  if (acceptRng.uniform() * q[y] < p[y]) return { accepted: true, token: y };
  return { accepted: false, token: residual(p, q, residualRng.uniform()) };
}

/** A draw from norm(max(0, p − q)) over the full vocabulary; p itself if that mass underflows. */
export function residual(p: Float64Array, q: Float64Array, u: number): number {
  const r = new Float64Array(p.length);
  let z = 0;
  for (let i = 0; i < p.length; i++) { r[i] = Math.max(0, p[i] - q[i]); z += r[i]; }
  if (!(z > 1e-12)) return sampleFrom(p, u);
  return sampleFrom(r, u * z);
}

function nextGamma(schedule: GammaSchedule, gamma: number, allAccepted: boolean, s: SpeculativeStats, maxGamma: number): number {
  if (schedule === 'heuristic') return Math.max(1, Math.min(maxGamma, allAccepted ? gamma + 2 : gamma - 1));
  if (schedule !== 'adaptive' || s.drafted < 8 || s.draftSteps === 0) return gamma;
  // Target pass time as a + b·k fitted over the pass sizes seen so far (b = 0 until two are seen).
  const ks: number[] = [];
  const ts: number[] = [];
  s.passCount.forEach((cnt, k) => { if (cnt) { ks.push(k); ts.push(s.passSeconds[k] / cnt); } });
  const mk = ks.reduce((a, b) => a + b, 0) / ks.length;
  const mt = ts.reduce((a, b) => a + b, 0) / ts.length;
  let sxx = 0;
  let sxy = 0;
  ks.forEach((k, i) => { sxx += (k - mk) ** 2; sxy += (k - mk) * (ts[i] - mt); });
  const b = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  const a = Math.max(1e-9, mt - b * mk);
  const t1 = a + b;
  const c = s.draftSeconds / s.draftSteps / t1;
  return bestGamma(acceptanceRate(s), c, (k) => (a + b * k) / t1, maxGamma);
}

// Searches the strategy space (tp, pp, v, microbatch, sharding, recomputation) for the fastest plan
// that fits in device memory.
import { evaluatePlan, estimateMemory, type PlanInput } from './plan.ts';
import type { BatchSpec, ClusterSpec, ModelShape, PlanResult, Precision, Recompute, Strategy } from './types.ts';
import { defaultStrategy } from './presets.ts';

export interface SearchSpace {
  /** Fused attention for every candidate (default false, as in the papers' runs). */
  readonly flashAttention?: boolean;
  readonly tp?: readonly number[];
  readonly pp?: readonly number[];
  readonly virtualStages?: readonly number[];
  readonly micro?: readonly number[];
  readonly shardings?: readonly string[];
  readonly recompute?: readonly Recompute[];
}

export interface SearchResult {
  /** The fastest plan that fits, or null when none does. */
  readonly best: PlanResult | null;
  /** Fitting plans, fastest first. */
  readonly ranked: PlanResult[];
  readonly evaluated: number;
  /** Candidates refused by a constraint (divisibility, schedule) or by memory. */
  readonly invalid: number;
  readonly overMemory: number;
}

const powersOfTwo = (max: number): number[] => { const out = []; for (let x = 1; x <= max; x *= 2) out.push(x); return out; };
const divisors = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

export function searchPlans(model: ModelShape, globalBatch: number, cluster: ClusterSpec, precision: Precision, space: SearchSpace = {}): SearchResult {
  const devices = cluster.devicesPerNode * cluster.nodes;
  const tps = space.tp ?? powersOfTwo(cluster.devicesPerNode).filter((t) => model.heads % t === 0);
  const pps = space.pp ?? divisors(model.layers).filter((p) => devices % p === 0 && p <= 64);
  const vs = space.virtualStages ?? [1, 2, 4];
  const micros = space.micro ?? [1, 2, 4, 8];
  const shardings = space.shardings ?? ['NNN', 'NNG', 'NGG', 'GGG'];
  const recomputes = space.recompute ?? ['none', 'selective', 'full'];
  const ranked: PlanResult[] = [];
  let evaluated = 0;
  let invalid = 0;
  let overMemory = 0;
  for (const tp of tps) for (const pp of pps) for (const v of vs) for (const micro of micros) for (const sharding of shardings) for (const recompute of recomputes) {
    if (devices % (tp * pp) !== 0 || (v > 1 && pp === 1)) continue;
    const strategy: Strategy = {
      ...defaultStrategy, tp, pp, virtualStages: v, schedule: v > 1 ? 'interleaved' : '1f1b',
      sharding, recompute, precision, sequenceParallel: tp > 1, flashAttention: space.flashAttention ?? false,
    };
    const batch: BatchSpec = { global: globalBatch, micro };
    const input: PlanInput = { model, batch, cluster, strategy };
    evaluated++;
    try {
      if (!estimateMemory(input).fits) { overMemory++; continue; }
      ranked.push(evaluatePlan(input));
    } catch {
      invalid++;
    }
  }
  ranked.sort((a, b) => a.time.step - b.time.step);
  return { best: ranked[0] ?? null, ranked, evaluated, invalid, overMemory };
}

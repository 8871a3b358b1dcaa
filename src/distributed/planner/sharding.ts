// PaRO's three-letter sharding (parameters, gradients, optimizer states; N/I/G) with ZeRO as the
// special cases, and the collectives each strategy runs per micro-step and at the step boundary.
import { check, fail } from '../../util/errors.ts';
import type { Placement, Precision } from './types.ts';

export interface Sharding {
  readonly params: Placement;
  readonly grads: Placement;
  readonly optimizer: Placement;
}

const RANK: Record<Placement, number> = { N: 0, I: 1, G: 2 };

/** ZeRO stage 0..3 in PaRO letters: DDP = NNN, P_os = NNG, P_os+g = NGG, P_os+g+p = GGG. */
export function zeroSharding(stage: number): string {
  const s = ['NNN', 'NNG', 'NGG', 'GGG'][stage];
  return s ?? fail('planner', `zero stage must be 0, 1, 2 or 3, got ${stage}`);
}

export function parseSharding(text: string, where = 'planner'): Sharding {
  const t = text.toUpperCase();
  check(/^[NIG]{3}$/.test(t), where, `sharding must be three letters from N, I, G (parameters, gradients, optimizer states) or a zero stage, got '${text}'`);
  const [params, grads, optimizer] = t.split('') as [Placement, Placement, Placement];
  check(RANK[grads] <= RANK[optimizer] && RANK[params] <= RANK[optimizer], where,
    `sharding '${t}' must partition parameters and gradients no more than optimizer states (N < I < G)`);
  return { params, grads, optimizer };
}

export interface Bytes {
  readonly param: number;
  readonly grad: number;
  /** Optimizer state bytes per parameter: fp32 master + Adam moments (mixed) or the moments alone (fp32). */
  readonly optimizer: number;
}

export function bytesPerElement(precision: Precision): Bytes {
  return precision === 'mixed' ? { param: 2, grad: 2, optimizer: 12 } : { param: 4, grad: 4, optimizer: 8 };
}

/**
 * Bytes the optimizer step reads and writes per owned parameter (it is memory-bound): states read
 * and written, the gradient read, the parameter written (and read, when it is the fp32 master).
 */
export function optimizerTraffic(precision: Precision): number {
  const b = bytesPerElement(precision);
  return 2 * b.optimizer + b.grad + (precision === 'mixed' ? 1 : 2) * b.param;
}

/** Data-parallel ranks n, split as g groups (nodes) of m ranks. */
export interface DpGroups {
  readonly n: number;
  readonly m: number;
}

export function divisor(place: Placement, dp: DpGroups): number {
  return place === 'N' ? 1 : place === 'I' ? dp.m : dp.n;
}

export type CollectiveOp = 'AG' | 'RS' | 'AR';
/** intra: among the m ranks of a group; inter: among the g ranks with the same local index; global: all n. */
export type Scope = 'intra' | 'inter' | 'global';

export interface Collective {
  readonly phase: 'micro' | 'boundary';
  readonly op: CollectiveOp;
  readonly scope: Scope;
  /** Bytes of the whole tensor the collective gathers or reduces within its scope. */
  readonly bytes: number;
  readonly what: string;
  /** Micro-step collectives run in the forward or the backward pass. */
  readonly pass?: 'forward' | 'backward';
}

/**
 * The collectives of one optimizer step with A micro-steps, for Ψ parameters of which Ψ′ train.
 * Derived from the letters: gathers of partitioned parameters in forward and backward, gradient
 * reduction to the gradients' placement each micro-step, then to the optimizer's at the boundary,
 * and the updated parameters gathered back to their placement.
 */
export function stepCollectives(s: Sharding, psi: number, trainable: number, b: Bytes, dp: DpGroups, accumulation: number): Collective[] {
  const out: Collective[] = [];
  const micro = (c: Omit<Collective, 'phase'>): void => { for (let i = 0; i < accumulation; i++) out.push({ phase: 'micro', ...c }); };
  const boundary = (c: Omit<Collective, 'phase'>): void => { out.push({ phase: 'boundary', ...c }); };
  const scopeOf = (p: Placement): Scope => (p === 'I' ? 'intra' : 'global');
  const shard = b.grad * trainable / dp.m;
  if (s.params !== 'N') {
    micro({ op: 'AG', scope: scopeOf(s.params), bytes: b.param * psi, what: 'gather parameters (forward)', pass: 'forward' });
    micro({ op: 'AG', scope: scopeOf(s.params), bytes: b.param * psi, what: 'gather parameters (backward)', pass: 'backward' });
  }
  if (s.grads !== 'N') micro({ op: 'RS', scope: scopeOf(s.grads), bytes: b.grad * trainable, what: 'reduce-scatter gradients', pass: 'backward' });
  // Gradients move from their placement to the optimizer's at the accumulation boundary.
  const g = s.grads;
  const o = s.optimizer;
  if (g === 'N' && o === 'N') boundary({ op: 'AR', scope: 'global', bytes: b.grad * trainable, what: 'all-reduce gradients' });
  else if (g === 'N' && o === 'I') {
    boundary({ op: 'RS', scope: 'intra', bytes: b.grad * trainable, what: 'reduce-scatter gradients in the group' });
    boundary({ op: 'AR', scope: 'inter', bytes: shard, what: 'all-reduce gradient shards across groups' });
  } else if (g === 'N' && o === 'G') boundary({ op: 'RS', scope: 'global', bytes: b.grad * trainable, what: 'reduce-scatter gradients' });
  else if (g === 'I' && o === 'I') boundary({ op: 'AR', scope: 'inter', bytes: shard, what: 'all-reduce gradient shards across groups' });
  else if (g === 'I' && o === 'G') boundary({ op: 'RS', scope: 'inter', bytes: shard, what: 'reduce-scatter gradient shards across groups' });
  // Updated parameters return from the optimizer's placement to the parameters'.
  const p = s.params;
  const pshard = b.param * trainable / dp.m;
  if (o === 'G' && p === 'N') boundary({ op: 'AG', scope: 'global', bytes: b.param * trainable, what: 'gather updated parameters' });
  else if (o === 'G' && p === 'I') boundary({ op: 'AG', scope: 'inter', bytes: pshard, what: 'gather updated parameter shards across groups' });
  else if (o === 'I' && p === 'N') boundary({ op: 'AG', scope: 'intra', bytes: b.param * trainable, what: 'gather updated parameters in the group' });
  return out;
}

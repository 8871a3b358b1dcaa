// The reproductions `tessera reproduce` knows. A paper module adds one line here.
import { plannerReproduction } from './planner/index.ts';
import { flashAttentionReproduction } from './flash-attention/index.ts';
import { ReproductionRegistry } from './registry.ts';
import { speculativeDecodingReproduction } from './speculative-decoding.ts';

export function builtinReproductions(): ReproductionRegistry {
  const registry = new ReproductionRegistry();
  registry.register(plannerReproduction);
  registry.register(flashAttentionReproduction);
  registry.register(speculativeDecodingReproduction);
  return registry;
}

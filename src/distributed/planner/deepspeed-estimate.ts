// DeepSpeed-compatible model-state estimators (its estimate_zero2/zero3_model_states_mem_needs),
// so "matches DeepSpeed" can be checked byte for byte; the planner's own model is in memory.ts.
import { check } from '../../util/errors.ts';

export interface DeepSpeedEstimateInput {
  readonly stage: 2 | 3;
  readonly params: number;
  /** Parameters of the largest layer (stage 3 gathers one layer at a time). */
  readonly largestLayerParams?: number;
  readonly gpusPerNode: number;
  readonly nodes: number;
  readonly offloadOptimizer: boolean;
  /** Stage 3 only. */
  readonly offloadParams?: boolean;
  /** Stage 3 only: parameters created already partitioned (zero.Init). */
  readonly zeroInit?: boolean;
  readonly bufferFactor?: number;
  /** Stage 2 without offload: DeepSpeed's documentation still prints the older 4Ψ + 16Ψ/G. */
  readonly legacyFormula?: boolean;
}

/** GPU and CPU bytes per device, as DeepSpeed computes them. */
export function deepspeedEstimate(i: DeepSpeedEstimateInput): { gpu: number; cpu: number } {
  const where = 'deepspeedEstimate';
  check(i.params > 0 && i.gpusPerNode >= 1 && i.nodes >= 1, where, 'params, gpusPerNode and nodes must be positive');
  const psi = i.params;
  const gpus = i.gpusPerNode * i.nodes;
  const buffer = i.bufferFactor ?? 1.5;
  if (i.stage === 2) {
    if (i.offloadOptimizer) return { gpu: 2 * psi, cpu: psi * Math.max(4 * gpus, 16) * buffer };
    const gpu = i.legacyFormula ? 4 * psi + Math.trunc(16 * psi / gpus) : 2 * psi + Math.trunc(18 * psi / gpus);
    return { gpu, cpu: psi * 4 * i.gpusPerNode * buffer };
  }
  check(i.largestLayerParams !== undefined && i.largestLayerParams > 0, where, 'stage 3 needs largestLayerParams');
  const layer = 4 * i.largestLayerParams;
  const perNode = 1 / i.nodes;
  const init = i.zeroInit ?? true;
  if (i.offloadOptimizer && i.offloadParams) {
    return { gpu: layer, cpu: psi * (init ? 18 * perNode : Math.max(4 * i.gpusPerNode, 18 * perNode)) * buffer };
  }
  check(!i.offloadParams, where, 'parameter offload needs optimizer offload too (as in DeepSpeed)');
  if (i.offloadOptimizer) {
    return { gpu: layer + Math.trunc(2 * psi / gpus), cpu: psi * (init ? 16 * perNode : Math.max(4 * i.gpusPerNode, 16 * perNode)) * buffer };
  }
  return { gpu: layer + Math.trunc(18 * psi / gpus), cpu: (init ? i.largestLayerParams : psi) * 4 * i.gpusPerNode * buffer };
}

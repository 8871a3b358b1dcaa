// Memory per device: model states by ZeRO/PaRO placement (ZeRO §2.1, PaRO §2.2) and activations
// by recomputation mode (Korthikanti et al.'s per-layer counts, which the Megatron spec quotes).
import { bytesPerElement, divisor, type DpGroups, type Sharding } from './sharding.ts';
import type { ModelShape, Precision, Recompute } from './types.ts';

export interface ModelStateInput {
  /** Parameters held by one model-parallel rank (already divided by tensor and pipeline parallelism). */
  readonly psi: number;
  /** Trainable parameters Ψ′ ≤ Ψ of that rank. */
  readonly trainable: number;
  readonly sharding: Sharding;
  readonly dp: DpGroups;
  readonly precision: Precision;
  readonly offloadOptimizer: boolean;
  readonly offloadParams: boolean;
}

export interface ModelStateBytes {
  readonly parameters: number;
  readonly gradients: number;
  readonly optimizer: number;
  /** Bytes moved to host memory by offload. */
  readonly cpu: number;
}

/** M = b_p·Ψ/f(params) + b_g·Ψ′/f(grads) + K·Ψ′/f(optimizer), f(N) = 1, f(I) = m, f(G) = n. */
export function modelStateBytes(i: ModelStateInput): ModelStateBytes {
  const b = bytesPerElement(i.precision);
  const parameters = b.param * i.psi / divisor(i.sharding.params, i.dp);
  const gradients = b.grad * i.trainable / divisor(i.sharding.grads, i.dp);
  const optimizer = b.optimizer * i.trainable / divisor(i.sharding.optimizer, i.dp);
  const cpu = (i.offloadOptimizer ? optimizer : 0) + (i.offloadParams ? parameters : 0);
  return {
    parameters: i.offloadParams ? 0 : parameters,
    gradients,
    optimizer: i.offloadOptimizer ? 0 : optimizer,
    cpu,
  };
}

export interface ActivationInput {
  readonly model: ModelShape;
  readonly micro: number;
  readonly tp: number;
  readonly recompute: Recompute;
  readonly sequenceParallel: boolean;
  readonly flashAttention: boolean;
  readonly precision: Precision;
}

/**
 * Bytes of activations one transformer block keeps for one microbatch until its backward:
 * s·b·h·(10 + 24/t + 5as/(ht)) in 16-bit for ffn = 4h (24 generalises to 8 + 4·ffn/h); sequence
 * parallelism also splits the 10; selective recomputation drops the 5as/h attention term; full
 * recomputation keeps only the block's input; flash attention never stores the scores either.
 */
export function activationBytesPerLayer(i: ActivationInput, mode: Recompute = i.recompute): number {
  const { model: m, micro: b, tp: t } = i;
  const sbh = m.seqLen * b * m.hidden;
  const scale = i.precision === 'fp32' ? 2 : 1;
  const unsplit = i.sequenceParallel ? 10 / t : 10;
  if (mode === 'full') return scale * 2 * sbh / (i.sequenceParallel ? t : 1);
  const split = (8 + 4 * m.ffn / m.hidden) / t;
  const attention = mode === 'none' && !i.flashAttention ? 5 * m.heads * m.seqLen / (m.hidden * t) : 0;
  return scale * sbh * (unsplit + split + attention);
}

/** Activations of a pipeline stage holding `layers` blocks with `inFlight` microbatches stashed. */
export function stageActivationBytes(i: ActivationInput, layers: number, inFlight: number): number {
  const stored = layers * activationBytesPerLayer(i) * inFlight;
  // Recomputing a block materialises its full activations once more, for one block at a time.
  const working = i.recompute === 'full' ? activationBytesPerLayer(i, 'none') : 0;
  return stored + working;
}

// What the trainer needs from a model and an optimizer. Kept structural so any module tree with
// named parameters and a logits forward can be trained, and any optimizer with a state dict.
import type { Parameter, Tensor } from '../tensor/index.ts';

/** A causal language model: token ids (B, T) i32 -> logits (B, T, V). */
export interface LanguageModel {
  forward(ids: Tensor): Tensor;
  /** Parameters by stable, checkpoint-facing name. */
  namedParameters(): Iterable<readonly [string, Parameter]>;
  /** Switches dropout and similar layers between training and evaluation. */
  train?(mode?: boolean): unknown;
  eval?(): unknown;
}

/** Optimizer state split into float tensors (saved as binary) and small JSON scalars. */
export interface OptimizerState {
  readonly tensors: Record<string, Float32Array>;
  readonly scalars: Record<string, number>;
}

export interface TrainOptimizer {
  /** Learning rate used by the next step (set by the trainer from its schedule). */
  lr: number;
  step(): void;
  zeroGrad(): void;
  state(): OptimizerState;
  loadState(state: OptimizerState): void;
}

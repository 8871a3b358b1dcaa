// What the trainer needs from a model and an optimizer. Structural, so nn's DecoderLM and AdamW fit
// as they are, and so does any module tree with named parameters and a logits forward.
import type { Parameter, Tensor } from '../tensor/index.ts';

/** A causal language model: token ids (B, T) i32 -> logits (B, T, V). */
export interface LanguageModel {
  forward(ids: Tensor): Tensor;
  /** Parameters by stable, checkpoint-facing name. */
  namedParameters(): Iterable<readonly [string, Parameter]>;
  /** Sub-modules by name; ones holding their own `rng` (dropout) get it saved in checkpoints. */
  namedModules?(): Iterable<readonly [string, object]>;
  /** Switches dropout and similar layers between training and evaluation. */
  train?(mode?: boolean): unknown;
  eval?(): unknown;
}

/** Optimizer state: float tensors plus JSON metadata (nn's AdamW state dict has this shape). */
export interface OptimizerStateDict {
  tensors: Record<string, Tensor>;
  meta: unknown;
}

export interface TrainOptimizer {
  setLr(lr: number): void;
  step(): void;
  zeroGrad(): void;
  stateDict(): OptimizerStateDict;
  loadStateDict(sd: OptimizerStateDict): void;
}

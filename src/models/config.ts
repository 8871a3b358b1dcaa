// One config shape for the decoder-only models; each modelType fills its own defaults.
import type { Activation, AttentionImpl } from '../nn/index.ts';
import { fail } from '../util/errors.ts';

export interface DecoderConfig {
  /** 'gpt' (GPT-2 layout) or 'llama'; other types can be registered. */
  modelType: string;
  vocabSize: number;
  /** Model width (n_embd / hidden_size). */
  dim: number;
  nLayers: number;
  nHeads: number;
  /** Key/value heads for grouped-query attention (default nHeads). */
  nKvHeads?: number;
  /** Feed-forward width (default 4·dim for gpt; required for llama). */
  hidden?: number;
  /** Longest sequence (learned positions / RoPE table hint). */
  maxSeqLen: number;
  normEps?: number;
  ropeTheta?: number;
  tieEmbeddings?: boolean;
  activation?: Activation;
  dropout?: number;
  /** Attention path: the engine's 'fused' kernel (default) or 'matmul' (the composed scores-softmax-V path). */
  attention?: AttentionImpl;
  /** Std of the normal init (default 0.02). */
  initStd?: number;
  /** Seed of the weight init. */
  seed?: number;
  bosTokenId?: number;
  eosTokenId?: number;
}

/** Every field set: what the layers are built from. */
export interface ResolvedDecoderConfig extends Required<Omit<DecoderConfig, 'bosTokenId' | 'eosTokenId'>> {
  bosTokenId?: number;
  eosTokenId?: number;
  /** What the model type fixes: GPT-2 vs Llama architecture choices. */
  arch: DecoderArch;
}

export interface DecoderArch {
  norm: 'layerNorm' | 'rmsNorm';
  mlp: 'mlp' | 'swiglu';
  positions: 'learned' | 'rope';
  bias: boolean;
  fusedQkv: boolean;
  /** Scale the residual projections' init by 1/sqrt(2·nLayers) (GPT-2). */
  scaledResidualInit: boolean;
}

const POSITIVE_INTS = ['vocabSize', 'dim', 'nLayers', 'nHeads', 'maxSeqLen'] as const;

/** Checks the shared fields and fills defaults common to every type. */
export function checkConfig(where: string, c: DecoderConfig): void {
  for (const k of POSITIVE_INTS) {
    const v = c[k];
    if (!Number.isInteger(v) || v <= 0) fail(where, `config.${k} must be a positive integer, got ${String(v)}`);
  }
  const kv = c.nKvHeads ?? c.nHeads;
  if (c.dim % c.nHeads !== 0) fail(where, `config.dim ${c.dim} must be divisible by nHeads ${c.nHeads}`);
  if (!Number.isInteger(kv) || kv <= 0 || c.nHeads % kv !== 0) fail(where, `config.nKvHeads ${kv} must divide nHeads ${c.nHeads}`);
  if (c.dropout !== undefined && !(c.dropout >= 0 && c.dropout < 1)) fail(where, `config.dropout must be in [0, 1), got ${c.dropout}`);
}

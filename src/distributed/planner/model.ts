// Parameter and FLOP counts of a decoder-only transformer, from its shape (Megatron's Eqs. 2 and 3
// are the special case of GPT with ffn = 4h; tests check that identity).
import { check } from '../../util/errors.ts';
import type { ModelShape } from './types.ts';

/** A GPT-2-style shape (LayerNorm, biases, learned positions, tied embeddings, ffn = 4h). */
export function gptShape(name: string, layers: number, hidden: number, heads: number, vocab: number, seqLen: number): ModelShape {
  return {
    name, layers, hidden, heads, kvHeads: heads, ffn: 4 * hidden, vocab, seqLen,
    gatedMlp: false, tiedEmbeddings: true, learnedPositions: true, norm: 'layernorm', bias: true,
  };
}

export function validateShape(m: ModelShape, where = 'planner'): void {
  for (const k of ['layers', 'hidden', 'heads', 'kvHeads', 'ffn', 'vocab', 'seqLen'] as const) {
    check(Number.isInteger(m[k]) && m[k] > 0, where, `model.${k} must be a positive integer, got ${m[k]}`);
  }
  check(m.hidden % m.heads === 0, where, `model.hidden (${m.hidden}) must be divisible by model.heads (${m.heads})`);
  check(m.heads % m.kvHeads === 0, where, `model.heads (${m.heads}) must be divisible by model.kvHeads (${m.kvHeads})`);
}

/** Matrix weights of one transformer block (what the GEMMs multiply by). */
export function layerMatrixParams(m: ModelShape): number {
  const kvWidth = (m.hidden / m.heads) * m.kvHeads;
  const attention = 2 * m.hidden * m.hidden + 2 * m.hidden * kvWidth;
  const mlp = (m.gatedMlp ? 3 : 2) * m.hidden * m.ffn;
  return attention + mlp;
}

/** All parameters of one transformer block: matrices, biases, norms. */
export function layerParams(m: ModelShape): number {
  const kvWidth = (m.hidden / m.heads) * m.kvHeads;
  const biases = m.bias ? 2 * m.hidden + 2 * kvWidth + (m.gatedMlp ? 2 : 1) * m.ffn + m.hidden : 0;
  const norms = 2 * (m.norm === 'layernorm' ? 2 : 1) * m.hidden;
  return layerMatrixParams(m) + biases + norms;
}

/** Token (and position) embeddings plus the final norm and, when untied, the output projection. */
export function embeddingParams(m: ModelShape): { input: number; output: number } {
  const input = m.vocab * m.hidden + (m.learnedPositions ? m.seqLen * m.hidden : 0);
  const finalNorm = (m.norm === 'layernorm' ? 2 : 1) * m.hidden;
  return { input, output: finalNorm + (m.tiedEmbeddings ? 0 : m.vocab * m.hidden) };
}

export function totalParams(m: ModelShape): number {
  const e = embeddingParams(m);
  return m.layers * layerParams(m) + e.input + e.output;
}

/** Megatron's Eq. 2, P = 12lh²(1 + 13/(12h) + (V + s)/(12lh)): the closed form for GPT shapes. */
export function megatronEq2(l: number, h: number, V: number, s: number): number {
  return 12 * l * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * l * h));
}

/** QKᵀ and the attention-weighted values of one block for one sample: 4·s²·h. */
export function attentionCoreFlops(m: ModelShape): number {
  return 4 * m.seqLen * m.seqLen * m.hidden;
}

/** Forward FLOPs of one block for one sample: GEMMs (2 per weight per token) plus attention scores and values. */
export function layerForwardFlops(m: ModelShape): number {
  return 2 * m.seqLen * layerMatrixParams(m) + attentionCoreFlops(m);
}

export function logitForwardFlops(m: ModelShape): number {
  return 2 * m.seqLen * m.hidden * m.vocab;
}

/**
 * FLOPs of one optimizer step over `samples` sequences: backward is twice the forward; full
 * recomputation adds a forward of every block, selective only the attention core (Eq. 3 with `full`).
 */
export function stepFlops(m: ModelShape, samples: number, recompute: 'none' | 'selective' | 'full'): number {
  const core = attentionCoreFlops(m);
  const extra = recompute === 'full' ? layerForwardFlops(m) : recompute === 'selective' ? core : 0;
  return samples * (m.layers * (3 * layerForwardFlops(m) + extra) + 3 * logitForwardFlops(m));
}

/** Megatron's Eq. 3, F = 96Bslh²(1 + s/(6h) + V/(16lh)), with full recomputation. */
export function megatronEq3(B: number, s: number, l: number, h: number, V: number): number {
  return 96 * B * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h));
}

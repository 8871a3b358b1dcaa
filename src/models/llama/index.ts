// Llama: RoPE (rotate_half), RMSNorm, SwiGLU, grouped-query attention, no biases, an output head
// that is untied unless tieEmbeddings is set.
import type { DecoderConfig, ResolvedDecoderConfig } from '../config.ts';
import type { ModelType } from '../registry.ts';

export const llama: ModelType = {
  resolve(c: DecoderConfig): ResolvedDecoderConfig {
    return {
      ...c,
      modelType: 'llama',
      nKvHeads: c.nKvHeads ?? c.nHeads,
      // Llama's width rule: 2/3 of 4·dim, rounded up to a multiple of 64.
      hidden: c.hidden ?? Math.ceil((8 * c.dim) / 3 / 64) * 64,
      normEps: c.normEps ?? 1e-6,
      ropeTheta: c.ropeTheta ?? 10000,
      tieEmbeddings: c.tieEmbeddings ?? false,
      activation: 'silu',
      dropout: c.dropout ?? 0,
      attention: c.attention ?? 'fused',
      initStd: c.initStd ?? 0.02,
      seed: c.seed ?? 0,
      arch: { norm: 'rmsNorm', mlp: 'swiglu', positions: 'rope', bias: false, fusedQkv: false, scaledResidualInit: false },
    };
  },
};

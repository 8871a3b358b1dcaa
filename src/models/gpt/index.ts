// GPT (GPT-2 layout): learned positions, pre-LayerNorm blocks with biases, GELU (tanh form) MLP of
// width 4·dim, a fused qkv projection, output head tied to the token embedding.
import type { DecoderConfig, ResolvedDecoderConfig } from '../config.ts';
import type { ModelType } from '../registry.ts';

export const gpt: ModelType = {
  resolve(c: DecoderConfig): ResolvedDecoderConfig {
    return {
      ...c,
      modelType: 'gpt',
      nKvHeads: c.nKvHeads ?? c.nHeads,
      hidden: c.hidden ?? 4 * c.dim,
      normEps: c.normEps ?? 1e-5,
      ropeTheta: c.ropeTheta ?? 10000,
      tieEmbeddings: c.tieEmbeddings ?? true,
      activation: c.activation ?? 'geluTanh',
      dropout: c.dropout ?? 0,
      attention: c.attention ?? 'fused',
      initStd: c.initStd ?? 0.02,
      seed: c.seed ?? 0,
      arch: { norm: 'layerNorm', mlp: 'mlp', positions: 'learned', bias: true, fusedQkv: true, scaledResidualInit: true },
    };
  },
};

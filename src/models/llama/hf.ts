// Llama in Hugging Face layout: LlamaConfig fields and LlamaForCausalLM names (model.layers.N...).
import { fail } from '../../util/errors.ts';
import type { HfFormat } from '../hf/format.ts';
import { field } from '../hf/format.ts';

export const llamaFormat: HfFormat = {
  hfType: 'llama',
  modelType: 'llama',
  rules: [
    { ours: 'wte.weight', hf: 'model.embed_tokens.weight' },
    { ours: 'blocks.{n}.ln1.weight', hf: 'model.layers.{n}.input_layernorm.weight' },
    { ours: 'blocks.{n}.attn.qProj.{p}', hf: 'model.layers.{n}.self_attn.q_proj.{p}' },
    { ours: 'blocks.{n}.attn.kProj.{p}', hf: 'model.layers.{n}.self_attn.k_proj.{p}' },
    { ours: 'blocks.{n}.attn.vProj.{p}', hf: 'model.layers.{n}.self_attn.v_proj.{p}' },
    { ours: 'blocks.{n}.attn.outProj.{p}', hf: 'model.layers.{n}.self_attn.o_proj.{p}' },
    { ours: 'blocks.{n}.ln2.weight', hf: 'model.layers.{n}.post_attention_layernorm.weight' },
    { ours: 'blocks.{n}.mlp.gate.weight', hf: 'model.layers.{n}.mlp.gate_proj.weight' },
    { ours: 'blocks.{n}.mlp.up.weight', hf: 'model.layers.{n}.mlp.up_proj.weight' },
    { ours: 'blocks.{n}.mlp.down.weight', hf: 'model.layers.{n}.mlp.down_proj.weight' },
    { ours: 'lnF.weight', hf: 'model.norm.weight' },
    { ours: 'lmHead.weight', hf: 'lm_head.weight' },
  ],
  ignore: (name, c) => /rotary_emb\.inv_freq$/.test(name) || (c.tieEmbeddings && name === 'lm_head.weight'),
  toHfConfig: (c) => ({
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: c.vocabSize,
    hidden_size: c.dim,
    intermediate_size: c.hidden,
    num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads,
    num_key_value_heads: c.nKvHeads,
    head_dim: c.dim / c.nHeads,
    max_position_embeddings: c.maxSeqLen,
    rms_norm_eps: c.normEps,
    rope_theta: c.ropeTheta,
    rope_scaling: null,
    hidden_act: 'silu',
    attention_bias: false,
    attention_dropout: c.dropout,
    mlp_bias: false,
    initializer_range: c.initStd,
    ...(c.bosTokenId !== undefined ? { bos_token_id: c.bosTokenId } : {}),
    ...(c.eosTokenId !== undefined ? { eos_token_id: c.eosTokenId } : {}),
    tie_word_embeddings: c.tieEmbeddings,
    torch_dtype: 'float32',
  }),
  fromHfConfig: (hf) => {
    if (hf.rope_scaling !== undefined && hf.rope_scaling !== null) fail('loadHfCheckpoint', 'config.json rope_scaling is not supported (expected null)');
    if (hf.attention_bias === true || hf.mlp_bias === true) fail('loadHfCheckpoint', 'config.json attention_bias/mlp_bias true is not supported (expected false)');
    const act = field<string>(hf, 'hidden_act', 'string', 'silu');
    if (act !== 'silu') fail('loadHfCheckpoint', `config.json hidden_act '${act}' is not supported (expected 'silu')`);
    const dim = field<number>(hf, 'hidden_size', 'number');
    const nHeads = field<number>(hf, 'num_attention_heads', 'number');
    const headDim = field<number>(hf, 'head_dim', 'number', dim / nHeads);
    if (headDim !== dim / nHeads) fail('loadHfCheckpoint', `config.json head_dim ${headDim} must equal hidden_size / num_attention_heads = ${dim / nHeads}`);
    return {
      modelType: 'llama',
      vocabSize: field(hf, 'vocab_size', 'number'),
      dim,
      hidden: field(hf, 'intermediate_size', 'number'),
      nLayers: field(hf, 'num_hidden_layers', 'number'),
      nHeads,
      nKvHeads: field(hf, 'num_key_value_heads', 'number', nHeads),
      maxSeqLen: field(hf, 'max_position_embeddings', 'number', 2048),
      normEps: field(hf, 'rms_norm_eps', 'number', 1e-6),
      ropeTheta: field(hf, 'rope_theta', 'number', 10000),
      tieEmbeddings: field(hf, 'tie_word_embeddings', 'boolean', false),
      dropout: field(hf, 'attention_dropout', 'number', 0),
      initStd: field(hf, 'initializer_range', 'number', 0.02),
      bosTokenId: typeof hf.bos_token_id === 'number' ? hf.bos_token_id : undefined,
      eosTokenId: typeof hf.eos_token_id === 'number' ? hf.eos_token_id : undefined,
    };
  },
};

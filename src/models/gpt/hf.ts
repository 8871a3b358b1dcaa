// GPT-2 in Hugging Face layout: config.json as GPT2Config writes it, names as GPT2LMHeadModel
// saves them (transformer.h.N...), Conv1D weights stored transposed (in, out).
import type { Activation } from '../../nn/index.ts';
import { fail } from '../../util/errors.ts';
import type { HfFormat } from '../hf/format.ts';
import { field } from '../hf/format.ts';

const ACT_TO_HF: Record<Activation, string> = { geluTanh: 'gelu_new', gelu: 'gelu', relu: 'relu', silu: 'silu' };
const ACT_FROM_HF: Record<string, Activation> = { gelu_new: 'geluTanh', gelu_pytorch_tanh: 'geluTanh', gelu_fast: 'geluTanh', gelu: 'gelu', relu: 'relu', silu: 'silu', swish: 'silu' };

export const gpt2Format: HfFormat = {
  hfType: 'gpt2',
  modelType: 'gpt',
  savePrefix: 'transformer.',
  rules: [
    { ours: 'wte.weight', hf: 'wte.weight' },
    { ours: 'wpe.weight', hf: 'wpe.weight' },
    { ours: 'blocks.{n}.ln1.{p}', hf: 'h.{n}.ln_1.{p}' },
    { ours: 'blocks.{n}.attn.qkvProj.weight', hf: 'h.{n}.attn.c_attn.weight', transpose: true },
    { ours: 'blocks.{n}.attn.qkvProj.bias', hf: 'h.{n}.attn.c_attn.bias' },
    { ours: 'blocks.{n}.attn.outProj.weight', hf: 'h.{n}.attn.c_proj.weight', transpose: true },
    { ours: 'blocks.{n}.attn.outProj.bias', hf: 'h.{n}.attn.c_proj.bias' },
    { ours: 'blocks.{n}.ln2.{p}', hf: 'h.{n}.ln_2.{p}' },
    { ours: 'blocks.{n}.mlp.fc.weight', hf: 'h.{n}.mlp.c_fc.weight', transpose: true },
    { ours: 'blocks.{n}.mlp.fc.bias', hf: 'h.{n}.mlp.c_fc.bias' },
    { ours: 'blocks.{n}.mlp.proj.weight', hf: 'h.{n}.mlp.c_proj.weight', transpose: true },
    { ours: 'blocks.{n}.mlp.proj.bias', hf: 'h.{n}.mlp.c_proj.bias' },
    { ours: 'lnF.{p}', hf: 'ln_f.{p}' },
  ],
  // The causal-mask buffers of older checkpoints, and the tied lm_head copy.
  ignore: (name) => /(^|\.)attn\.(bias|masked_bias)$/.test(name) || name === 'lm_head.weight',
  toHfConfig: (c) => ({
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: c.vocabSize,
    n_positions: c.maxSeqLen,
    n_ctx: c.maxSeqLen,
    n_embd: c.dim,
    n_layer: c.nLayers,
    n_head: c.nHeads,
    n_inner: c.hidden === 4 * c.dim ? null : c.hidden,
    activation_function: ACT_TO_HF[c.activation],
    resid_pdrop: c.dropout,
    embd_pdrop: c.dropout,
    attn_pdrop: c.dropout,
    layer_norm_epsilon: c.normEps,
    initializer_range: c.initStd,
    ...(c.bosTokenId !== undefined ? { bos_token_id: c.bosTokenId } : {}),
    ...(c.eosTokenId !== undefined ? { eos_token_id: c.eosTokenId } : {}),
    tie_word_embeddings: true,
    torch_dtype: 'float32',
  }),
  fromHfConfig: (hf) => {
    const act = field<string>(hf, 'activation_function', 'string', 'gelu_new');
    const activation = ACT_FROM_HF[act] ?? fail('loadHfCheckpoint', `config.json activation_function '${act}' is not supported (expected one of ${Object.keys(ACT_FROM_HF).join(', ')})`);
    if (hf.tie_word_embeddings === false) fail('loadHfCheckpoint', 'config.json tie_word_embeddings false is not supported for gpt2');
    if (hf.scale_attn_weights === false || hf.scale_attn_by_inverse_layer_idx === true) {
      fail('loadHfCheckpoint', 'config.json scale_attn_weights false / scale_attn_by_inverse_layer_idx true are not supported (expected the default 1/sqrt(head_dim) scaling)');
    }
    const nInner = hf.n_inner;
    return {
      modelType: 'gpt',
      vocabSize: field(hf, 'vocab_size', 'number'),
      maxSeqLen: field(hf, 'n_positions', 'number'),
      dim: field(hf, 'n_embd', 'number'),
      nLayers: field(hf, 'n_layer', 'number'),
      nHeads: field(hf, 'n_head', 'number'),
      hidden: typeof nInner === 'number' ? nInner : undefined,
      activation,
      normEps: field(hf, 'layer_norm_epsilon', 'number', 1e-5),
      dropout: field(hf, 'resid_pdrop', 'number', 0),
      initStd: field(hf, 'initializer_range', 'number', 0.02),
      bosTokenId: typeof hf.bos_token_id === 'number' ? hf.bos_token_id : undefined,
      eosTokenId: typeof hf.eos_token_id === 'number' ? hf.eos_token_id : undefined,
    };
  },
};

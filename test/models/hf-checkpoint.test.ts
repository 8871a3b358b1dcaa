// Hugging Face folders both ways: a Tessera model saved in HF layout reloads with identical
// logits; the files hold HF names, Conv1D transposes and config.json fields as HF writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randint } from '../../src/index.ts';
import { loadSafetensors, saveSafetensors } from '../../src/nn/index.ts';
import { createModel, loadHfCheckpoint, saveHfCheckpoint, type DecoderConfig } from '../../src/models/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { FIXTURES, assertClose, fixture } from './helpers.ts';

const tiny = (modelType: string, extra: Partial<DecoderConfig> = {}): DecoderConfig => ({
  modelType, vocabSize: 29, dim: 16, nLayers: 2, nHeads: 4, maxSeqLen: 12, seed: 3, ...extra,
});

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-hf-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

for (const cfg of [tiny('gpt'), tiny('llama', { nKvHeads: 2, hidden: 24 }), tiny('llama', { tieEmbeddings: true, hidden: 24 })]) {
  test(`${cfg.modelType}${cfg.tieEmbeddings ? ' (tied)' : ''}: saved in HF layout, reloads with identical logits`, () => {
    withDir((dir) => {
      const model = createModel(cfg);
      const ids = randint(0, cfg.vocabSize, [2, 7], { rng: new Rng(1) });
      const before = model.forward(ids).toFlatArray();
      const tok = join(dir, 'src-tokenizer.json');
      writeFileSync(tok, '{"model":{"type":"BPE"}}');
      saveHfCheckpoint(model, join(dir, 'ckpt'), { tokenizerJson: tok });
      const loaded = loadHfCheckpoint(join(dir, 'ckpt'));
      assert.deepEqual(loaded.model.forward(ids).toFlatArray(), before);
      assert.equal(readFileSync(loaded.tokenizerPath!, 'utf8'), '{"model":{"type":"BPE"}}');
    });
  });
}

test('gpt: HF files hold GPT2LMHeadModel names, Conv1D weights (in, out) and GPT2Config fields', () => {
  withDir((dir) => {
    const model = createModel(tiny('gpt', { bosTokenId: 0, eosTokenId: 0 }));
    saveHfCheckpoint(model, dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(
      { model_type: cfg.model_type, n_embd: cfg.n_embd, n_layer: cfg.n_layer, n_head: cfg.n_head, n_positions: cfg.n_positions, vocab_size: cfg.vocab_size, layer_norm_epsilon: cfg.layer_norm_epsilon, activation_function: cfg.activation_function, n_inner: cfg.n_inner, architectures: cfg.architectures },
      { model_type: 'gpt2', n_embd: 16, n_layer: 2, n_head: 4, n_positions: 12, vocab_size: 29, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', n_inner: null, architectures: ['GPT2LMHeadModel'] },
    );
    const { tensors, metadata } = loadSafetensors(join(dir, 'model.safetensors'));
    assert.equal(metadata.format, 'pt');
    const names = Object.keys(tensors).sort();
    assert.equal(names.length, model.namedParameters().length, 'tied lm_head is not written twice');
    assert.ok(names.includes('transformer.h.1.attn.c_attn.weight') && names.includes('transformer.ln_f.bias') && !names.includes('lm_head.weight'));
    const w = model.blocks.at(1).attn.qkvProj!.weight; // (3C, C)
    const hf = tensors['transformer.h.1.attn.c_attn.weight']; // (C, 3C)
    assert.deepEqual(hf.shape, [16, 48]);
    assert.deepEqual(hf.toFlatArray(), w.T.contiguous().toFlatArray());
  });
});

test('llama: HF files hold LlamaForCausalLM names and LlamaConfig fields', () => {
  withDir((dir) => {
    const model = createModel(tiny('llama', { nKvHeads: 2, hidden: 24, ropeTheta: 500000 }));
    saveHfCheckpoint(model, dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(
      [cfg.model_type, cfg.hidden_size, cfg.intermediate_size, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.num_hidden_layers, cfg.rms_norm_eps, cfg.rope_theta, cfg.tie_word_embeddings],
      ['llama', 16, 24, 4, 2, 2, 1e-6, 500000, false],
    );
    const { tensors } = loadSafetensors(join(dir, 'model.safetensors'));
    assert.deepEqual(tensors['model.layers.0.self_attn.k_proj.weight'].shape, [8, 16]);
    assert.deepEqual(tensors['lm_head.weight'].toFlatArray(), model.lmHead!.weight.toFlatArray());
    assert.deepEqual(tensors['model.norm.weight'].shape, [16]);
  });
});

test('bf16 checkpoints load as f32 with logits within bf16 rounding', () => {
  withDir((dir) => {
    const fx = fixture('llama');
    const { model } = loadHfCheckpoint(fx.dir);
    saveHfCheckpoint(model, dir, { dtype: 'bf16' });
    const { tensors } = loadSafetensors(join(dir, 'model.safetensors'));
    assert.equal(tensors['model.norm.weight'].dtype, 'bf16');
    const reloaded = loadHfCheckpoint(dir).model;
    assertClose(reloaded.forward(fx.tensors.ids), fx.tensors.logits, 2e-2, 'bf16 logits');
  });
});

test('loading rejects unknown keys, unsupported config fields and wrong shapes by name', () => {
  withDir((dir) => {
    const model = createModel(tiny('gpt'));
    saveHfCheckpoint(model, dir);
    const cfgPath = join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, n_embd: 32 }));
    assert.throws(() => loadHfCheckpoint(dir), /loadStateDict: shape mismatches: wte\.weight: checkpoint \[29, 16\] vs model \[29, 32\]/);
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, model_type: 'bert' }));
    assert.throws(() => loadHfCheckpoint(dir), /no Hugging Face layout for model_type 'bert'/);
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, n_head: undefined }));
    assert.throws(() => loadHfCheckpoint(dir), /config\.json lacks 'n_head'/);
    writeFileSync(cfgPath, JSON.stringify(cfg));
    const weights = join(dir, 'model.safetensors');
    const { tensors } = loadSafetensors(weights);
    saveSafetensors(weights, { ...tensors, 'transformer.h.0.attn.q_norm.weight': tensors['transformer.ln_f.weight'] });
    assert.throws(() => loadHfCheckpoint(dir), /unexpected gpt2 checkpoint keys: transformer\.h\.0\.attn\.q_norm\.weight/);
  });
  assert.throws(() => loadHfCheckpoint(join(FIXTURES, 'missing')), /has no config\.json/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../../src/models/index.ts';
import { shapeFromTessera, gptShape, megatronEq2, megatronEq3, modelPreset, readModelConfig, stepFlops, totalParams } from '../../src/distributed/planner/index.ts';

test('model: GPT-2 and LLaMA-7B parameter counts equal the published checkpoints', () => {
  assert.equal(totalParams(modelPreset('gpt2')), 124_439_808);
  assert.equal(totalParams(modelPreset('llama-7b')), 6_738_415_616);
});

test('model: counts from the shape match Eq. 2 up to the final LayerNorm, FLOPs match Eq. 3 exactly', () => {
  for (const [l, h, a] of [[24, 2304, 24], [96, 12288, 96], [128, 25600, 160]] as const) {
    const m = gptShape('g', l, h, a, 51200, 2048);
    assert.ok(Math.abs(totalParams(m) - megatronEq2(l, h, 51200, 2048) - 2 * h) < 1e-3);
    const f = stepFlops(m, 1536, 'full');
    assert.ok(Math.abs(f / megatronEq3(1536, 2048, l, h, 51200) - 1) < 1e-12);
    // Without recomputation the layers cost 3 forward passes instead of 4.
    const noRecompute = stepFlops(m, 1, 'none');
    assert.ok(Math.abs(noRecompute - 1 * (l * 3 * (24 * 2048 * h * h + 4 * 2048 * 2048 * h) + 6 * 2048 * h * 51200)) / noRecompute < 1e-12);
  }
});

test('model: reads Hugging Face config.json for gpt2 and llama, and rejects other types by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'planner-'));
  const gpt2 = join(dir, 'gpt2.json');
  writeFileSync(gpt2, JSON.stringify({ model_type: 'gpt2', n_layer: 12, n_embd: 768, n_head: 12, vocab_size: 50257, n_positions: 1024 }));
  assert.equal(totalParams(readModelConfig(gpt2)), 124_439_808);
  const llama = join(dir, 'llama.json');
  writeFileSync(llama, JSON.stringify({ model_type: 'llama', num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 128256, max_position_embeddings: 8192, tie_word_embeddings: false }));
  // Llama-3-8B: 8,030,261,248 parameters.
  assert.equal(totalParams(readModelConfig(llama)), 8_030_261_248);
  const bad = join(dir, 'bert.json');
  writeFileSync(bad, JSON.stringify({ model_type: 'bert' }));
  assert.throws(() => readModelConfig(bad), /model_type must be 'gpt2' or 'llama'/);
  const missing = join(dir, 'm.json');
  writeFileSync(missing, JSON.stringify({ model_type: 'gpt2', n_layer: 12 }));
  assert.throws(() => readModelConfig(missing), /config field 'n_positions' must be a positive integer/);
});

test('model: a Tessera model config gives the parameter count of the model the registry builds', () => {
  const gpt = { modelType: 'gpt', vocabSize: 97, dim: 32, nLayers: 2, nHeads: 4, maxSeqLen: 16 };
  const llama = { modelType: 'llama', vocabSize: 97, dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hidden: 88, maxSeqLen: 16 };
  for (const cfg of [gpt, llama, { ...llama, tieEmbeddings: true }]) {
    // The learned position table has maxSeqLen rows whatever sequence length is planned, so count at maxSeqLen.
    assert.equal(totalParams(shapeFromTessera(cfg, 'tiny')), createModel(cfg).numParameters(), cfg.modelType);
  }
  const dir = mkdtempSync(join(tmpdir(), 'planner-'));
  const path = join(dir, 'tessera.json');
  writeFileSync(path, JSON.stringify(llama));
  assert.equal(readModelConfig(path).kvHeads, 2);
  writeFileSync(path, JSON.stringify({ ...llama, nHeads: 5 }));
  assert.throws(() => readModelConfig(path), /dim 32 must be divisible by nHeads 5/);
});

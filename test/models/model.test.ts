// The decoder models themselves: registry and config errors, sizes, init, KV-cache decoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concat, noGrad, randint, slice } from '../../src/index.ts';
import { createKvCaches } from '../../src/nn/index.ts';
import { createModel, type DecoderConfig } from '../../src/models/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { relError } from './helpers.ts';

const small = (modelType: string, extra: Partial<DecoderConfig> = {}): DecoderConfig => ({
  modelType, vocabSize: 31, dim: 16, nLayers: 2, nHeads: 4, maxSeqLen: 16, seed: 7, ...extra,
});

test('createModel: parameter count of the default GPT (d=256, 6 layers, vocab 8192, T=256) matches the formula', () => {
  const d = 256; const L = 6; const V = 8192; const T = 256;
  const model = createModel({ modelType: 'gpt', vocabSize: V, dim: d, nLayers: L, nHeads: 8, maxSeqLen: T });
  // wte + wpe + per layer (2 LN, qkv, proj, fc, proj) + ln_f; the head is tied.
  const perLayer = 2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d);
  assert.equal(model.numParameters(), V * d + T * d + L * perLayer + 2 * d);
  assert.equal(model.lmHead, null);
});

test('createModel: llama names, GQA shapes and untied head', () => {
  const model = createModel(small('llama', { nKvHeads: 2, hidden: 40 }));
  const names = model.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`);
  assert.deepEqual(names.slice(0, 10), [
    'wte.weight [31,16]', 'blocks.0.ln1.weight [16]', 'blocks.0.attn.qProj.weight [16,16]', 'blocks.0.attn.kProj.weight [8,16]',
    'blocks.0.attn.vProj.weight [8,16]', 'blocks.0.attn.outProj.weight [16,16]', 'blocks.0.ln2.weight [16]',
    'blocks.0.mlp.gate.weight [40,16]', 'blocks.0.mlp.up.weight [40,16]', 'blocks.0.mlp.down.weight [16,40]',
  ]);
  assert.deepEqual(names.slice(-2), ['lnF.weight [16]', 'lmHead.weight [31,16]']);
});

test('createModel: unknown types and bad configs name the field', () => {
  assert.throws(() => createModel(small('bert')), /createModel: unknown modelType 'bert' \(registered: gpt, llama\)/);
  assert.throws(() => createModel(small('gpt', { dim: 18 })), /config\.dim 18 must be divisible by nHeads 4/);
  assert.throws(() => createModel(small('llama', { nKvHeads: 3 })), /config\.nKvHeads 3 must divide nHeads 4/);
  assert.throws(() => createModel(small('gpt', { vocabSize: 0 })), /config\.vocabSize must be a positive integer/);
  const m = createModel(small('gpt'));
  assert.throws(() => m.forward(randint(0, 31, [1, 17])), /gpt\.forward: positions up to 17 exceed maxSeqLen 16/);
});

test('GPT-2 init: N(0, 0.02), residual projections 0.02/sqrt(2L), biases 0, LN gains 1; seeded', () => {
  const cfg = { modelType: 'gpt', vocabSize: 512, dim: 64, nLayers: 4, nHeads: 4, maxSeqLen: 64, seed: 1 };
  const m = createModel(cfg);
  const std = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
  const wte = m.wte.weight.toFlatArray();
  assert.ok(Math.abs(std(wte) - 0.02) < 0.02 * 0.03, `wte std ${std(wte)}`);
  const proj = m.blocks.items.flatMap((b) => b.attn.outProj.weight.toFlatArray());
  const want = 0.02 / Math.sqrt(8);
  assert.ok(Math.abs(std(proj) - want) < want * 0.05, `outProj std ${std(proj)} vs ${want}`);
  assert.ok(m.blocks.at(0).attn.qkvProj!.bias!.toFlatArray().every((v) => v === 0));
  assert.ok(m.lnF.weight.toFlatArray().every((v) => v === 1));
  assert.deepEqual(createModel(cfg).wte.weight.toFlatArray(), wte);
  assert.notDeepEqual(createModel({ ...cfg, seed: 2 }).wte.weight.toFlatArray().slice(0, 8), wte.slice(0, 8));
});

for (const cfg of [small('gpt'), small('llama', { nKvHeads: 2, hidden: 24 }), small('llama', { nKvHeads: 2, hidden: 24, attention: 'fused' })]) {
  test(`${cfg.modelType} (${cfg.attention ?? 'matmul'} attention): decoding with the KV cache gives the full forward's logits`, () => {
    const model = createModel(cfg);
    const ids = randint(0, cfg.vocabSize, [2, 9], { rng: new Rng(4) });
    const full = noGrad(() => model.forward(ids)); // (2, 9, V)
    const caches = createKvCaches(cfg.nLayers);
    const steps = noGrad(() => [
      model.forward(slice(ids, 1, 0, 5), { caches }), // a 5-token prompt, then one token at a time
      ...[5, 6, 7, 8].map((t) => model.forward(slice(ids, 1, t, t + 1), { caches })),
    ]);
    assert.equal(caches[1].pos, 9);
    assert.deepEqual(caches[0].k!.shape, [2, cfg.nKvHeads ?? cfg.nHeads, 9, 4]);
    assert.ok(relError(concat(steps, 1), full) < 1e-5);
  });
}

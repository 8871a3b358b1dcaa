import { test } from 'node:test';
import assert from 'node:assert/strict';
import './fixture.ts';
import { createModel } from '../../src/models/index.ts';
import { DecoderLmRunner } from '../../src/generation/decoder-lm.ts';
import { createCache } from '../../src/generation/causal-lm.ts';
import { generate } from '../../src/generation/generate.ts';
import { speculativeGenerate } from '../../src/generation/speculative.ts';
import { argmax } from '../../src/generation/sampling.ts';
import { tensor, noGrad } from '../../src/tensor/index.ts';

const configs = {
  gpt: { modelType: 'gpt', vocabSize: 61, dim: 32, nLayers: 2, nHeads: 4, maxSeqLen: 40, seed: 1, initStd: 0.3 },
  llama: { modelType: 'llama', vocabSize: 61, dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hidden: 48, maxSeqLen: 40, seed: 2, initStd: 0.3 },
};

for (const [name, cfg] of Object.entries(configs)) {
  test(`${name}: runner logits match DecoderLM.forward; batched cached greedy equals naive greedy`, () => {
    const model = createModel(cfg).eval();
    const runner = new DecoderLmRunner(model);
    const seq = [3, 17, 42, 8, 60, 1, 29];
    const ref = noGrad(() => model.forward(tensor(Int32Array.from(seq), [1, seq.length]))).contiguous().buffer() as Float32Array;
    const got = runner.forward(seq, 1, seq.length, createCache(runner, 1));
    let md = 0;
    let mx = 0;
    for (let i = 0; i < ref.length; i++) { md = Math.max(md, Math.abs(ref[i] - got[i])); mx = Math.max(mx, Math.abs(ref[i])); }
    assert.ok(md < 1e-4 * Math.max(1, mx), `max difference ${md} (logits up to ${mx})`);
    const prompts = [[5, 9, 14, 2], [33], [7, 7, 21]];
    const naive = prompts.map((p) => {
      const s = [...p];
      for (let i = 0; i < 10; i++) {
        const l = noGrad(() => model.forward(tensor(Int32Array.from(s), [1, s.length]))).contiguous().buffer() as Float32Array;
        s.push(argmax(l.subarray((s.length - 1) * cfg.vocabSize, s.length * cfg.vocabSize)));
      }
      return s.slice(p.length);
    });
    assert.deepEqual(generate(runner, prompts, { temperature: 0, maxTokens: 10 }).map((r) => r.tokens), naive);
  });
}

test('a registry model drafts for another: speculative greedy equals plain greedy', () => {
  const target = new DecoderLmRunner(createModel(configs.llama).eval());
  const draft = new DecoderLmRunner(createModel({ ...configs.llama, nLayers: 1, seed: 9 }).eval());
  for (const p of [[5, 9, 14, 2], [33, 1], [7, 7, 21, 40, 2]]) {
    const plain = generate(target, [p], { temperature: 0, maxTokens: 16 })[0].tokens;
    assert.deepEqual(speculativeGenerate(target, draft, p, { temperature: 0, maxTokens: 16, gamma: 3 }).tokens, plain);
  }
});

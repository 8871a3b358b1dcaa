import { test } from 'node:test';
import assert from 'node:assert/strict';
import { target, targetModel, golden, tokenizer } from './fixture.ts';
import { goldenPrompts } from './golden-prompts.ts';
import { generate } from '../../src/generation/generate.ts';
import { argmax } from '../../src/generation/sampling.ts';
import { noGrad, tensor, withBackend } from '../../src/tensor/index.ts';
import { loadNativeAddon } from '../../src/backends/native/index.ts';

const backends = loadNativeAddon() ? ['reference', 'native'] : ['reference'];

for (const backend of backends) {
  test(`${backend}: golden greedy tokens: batch 1, each prompt`, () => withBackend(backend, () => {
    assert.deepEqual(goldenPrompts.map((p) => tokenizer.encode(p)), golden.prompts);
    golden.prompts.forEach((p, i) => {
      assert.deepEqual(generate(target, [p], { temperature: 0, maxTokens: golden.maxTokens })[0].tokens, golden.single[i]);
    });
  }));

  test(`${backend}: golden greedy tokens: a left-padded batch of 3 gives the batch-1 tokens`, () => withBackend(backend, () => {
    assert.ok(new Set(golden.prompts.map((p) => p.length)).size === 3, 'prompts of three lengths need padding');
    const out = generate(target, golden.prompts, { temperature: 0, maxTokens: golden.maxTokens, padId: 7 }).map((r) => r.tokens);
    assert.deepEqual(out, golden.batched);
    assert.deepEqual(golden.batched, golden.single);
  }));
}

test('cached greedy decoding equals recomputing the whole sequence each step (no cache)', () => {
  const p = golden.prompts[0];
  const seq = [...p];
  for (let i = 0; i < 12; i++) {
    const logits = noGrad(() => targetModel.forward(tensor(Int32Array.from(seq), [1, seq.length]))).contiguous().buffer() as Float32Array;
    const v = target.config.vocabSize;
    seq.push(argmax(logits.subarray((seq.length - 1) * v, seq.length * v)));
  }
  assert.deepEqual(seq.slice(p.length), golden.single[0].slice(0, 12));
});

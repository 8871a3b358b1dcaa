import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenHistory, distribution, samplingDefaults, sampleFrom, argmax } from '../../src/generation/sampling.ts';
import { TextStream } from '../../src/generation/stopping.ts';
import { generate } from '../../src/generation/generate.ts';
import { Rng } from '../../src/util/rng.ts';
import { target, tokenizer, golden } from './fixture.ts';

const logits = [2.0, 1.0, 0.5, -1.0, 3.0, 0.0];
const softmax = (x: number[], t = 1): number[] => {
  const e = x.map((v) => Math.exp(v / t));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};
const close = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-12, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test('temperature scales logits before the softmax; 0 is a one-hot at the argmax, ties to the lowest id', () => {
  close(distribution(logits, samplingDefaults({ temperature: 0.7 })), softmax(logits, 0.7));
  assert.deepEqual(Array.from(distribution(logits, samplingDefaults({ temperature: 0 }))), [0, 0, 0, 0, 1, 0]);
  assert.equal(argmax([1, 3, 3, 2]), 1);
});

test('top-k, top-p and min-p keep the expected tokens and renormalise', () => {
  const p = softmax(logits); // order by probability: 4, 0, 1, 2, 5, 3
  const renorm = (keep: number[]): number[] => {
    const z = keep.reduce((a, i) => a + p[i], 0);
    return p.map((v, i) => (keep.includes(i) ? v / z : 0));
  };
  close(distribution(logits, samplingDefaults({ topK: 2 })), renorm([4, 0]));
  // top-p 0.9: cumulative p over 4, 0, 1 is 0.629 + 0.231 + 0.085 = 0.945 >= 0.9
  close(distribution(logits, samplingDefaults({ topP: 0.9 })), renorm([4, 0, 1]));
  // min-p 0.1: keep p >= 0.1 · p_max = 0.0629, that is 4, 0, 1
  close(distribution(logits, samplingDefaults({ minP: 0.1 })), renorm([4, 0, 1]));
  close(distribution(logits, samplingDefaults({ topK: 3, topP: 0.8 })), renorm([4, 0]));
});

test('repetition, frequency and presence penalties follow the HF and OpenAI formulas', () => {
  const h = new TokenHistory(6, [0, 3]);
  h.push(1);
  h.push(1);
  // repetition 2: positive logits of seen tokens halve, negative ones double
  close(distribution(logits, samplingDefaults({ repetitionPenalty: 2 }), h), softmax([1.0, 0.5, 0.5, -2.0, 3.0, 0.0]));
  // frequency 0.5 and presence 0.25 apply to generated tokens only (token 1, twice)
  close(distribution(logits, samplingDefaults({ frequencyPenalty: 0.5, presencePenalty: 0.25 }), h), softmax([2.0, 1.0 - 1.0 - 0.25, 0.5, -1.0, 3.0, 0.0]));
  assert.throws(() => samplingDefaults({ topP: 0 }), /sampling: topP must be in \(0, 1\]/);
});

test('sampleFrom follows the distribution (inverse CDF, seeded frequencies within 4 sigma)', () => {
  const p = softmax(logits);
  const rng = new Rng(11);
  const n = 50_000;
  const counts = new Array(6).fill(0);
  for (let i = 0; i < n; i++) counts[sampleFrom(p, rng.uniform())]++;
  p.forEach((pi, i) => assert.ok(Math.abs(counts[i] - n * pi) < 4 * Math.sqrt(n * pi * (1 - pi)), `token ${i}: ${counts[i]} vs ${n * pi}`));
  assert.equal(sampleFrom([0, 0.5, 0.5, 0], 0.9999999999), 2);
});

test('TextStream holds back text that could start a stop string and cuts at the stop', () => {
  const pieces = ['Hel', 'lo', ' wo', 'rld', '!!'];
  const s = new TextStream((ids) => ids.map((i) => pieces[i]).join(''), ['world']);
  const out = [s.update([0]), s.update([0, 1]), s.update([0, 1, 2]), s.update([0, 1, 2, 3])];
  assert.deepEqual(out, ['Hel', 'lo', ' ', '']); // 'wo' waits: it may begin 'world'
  assert.equal(s.stopped, true);
  assert.equal(s.text, 'Hello ');
});

test('generation: seeds reproduce, stop tokens and max tokens end a row, streaming equals the result', () => {
  const p = golden.prompts[2];
  const a = generate(target, [p], { temperature: 1, maxTokens: 12, seed: 5 })[0];
  const b = generate(target, [p], { temperature: 1, maxTokens: 12, seed: 5 })[0];
  const c = generate(target, [p], { temperature: 1, maxTokens: 12, seed: 6 })[0];
  assert.deepEqual(a.tokens, b.tokens);
  assert.notDeepEqual(a.tokens, c.tokens);
  assert.equal(a.tokens.length, 12);
  assert.equal(a.finishReason, 'length');
  // a row of a batch is reproducible from its seed (seed + row)
  const batch = generate(target, [golden.prompts[0], p], { temperature: 1, maxTokens: 12, seed: 4 });
  assert.deepEqual(batch[1].tokens, a.tokens);
  const stopAt = golden.single[2][5];
  const stopped = generate(target, [p], { temperature: 0, maxTokens: 24, stopTokens: [stopAt] })[0];
  assert.deepEqual(stopped.tokens, golden.single[2].slice(0, golden.single[2].indexOf(stopAt)));
  assert.equal(stopped.finishReason, 'stop');
  const decode = (ids: readonly number[]): string => tokenizer.decode(ids);
  let streamed = '';
  const full = generate(target, [p], { temperature: 0, maxTokens: 24, decode, onToken: (e) => { streamed += e.text; } })[0];
  assert.equal(streamed, full.text);
  assert.equal(full.text, tokenizer.decode(golden.single[2]));
  const stopString = full.text.slice(10, 14);
  const cut = generate(target, [p], { temperature: 0, maxTokens: 24, decode, stopStrings: [stopString] })[0];
  assert.equal(cut.text, full.text.slice(0, full.text.indexOf(stopString)));
  assert.equal(cut.finishReason, 'stop');
});

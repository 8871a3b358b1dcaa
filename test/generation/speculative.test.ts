import { test } from 'node:test';
import assert from 'node:assert/strict';
import { target, draft, tokenizer } from './fixture.ts';
import { generate } from '../../src/generation/generate.ts';
import { speculativeGenerate, acceptanceRate, residual } from '../../src/generation/speculative.ts';
import { createCache } from '../../src/generation/causal-lm.ts';
import { distribution, samplingDefaults } from '../../src/generation/sampling.ts';
import { chiSquareGof, chiSquareTwoSample } from '../../src/reproduce/speculative-decoding-stats.ts';
import { loadSotu } from '../../src/data/index.ts';
import { createModel } from '../../src/models/index.ts';
import { DecoderLmRunner } from '../../src/generation/decoder-lm.ts';
import { Sequence } from '../../src/generation/sequence.ts';
import { Rng } from '../../src/util/rng.ts';

// 50 prompts: 24-character windows of an early speech (the fixture models saw only the last six).
const text = loadSotu()[3].text.replace(/\s+/g, ' ');
const prompts = Array.from({ length: 50 }, (_, i) => tokenizer.encode(text.slice(200 + i * 97, 224 + i * 97)));

test('speculative greedy equals plain greedy on 50 prompts (γ = 1, 3, 6; constant, heuristic and adaptive γ)', () => {
  let drafted = 0;
  let accepted = 0;
  prompts.forEach((p, i) => {
    const plain = generate(target, [p], { temperature: 0, maxTokens: 20 })[0].tokens;
    const gamma = [1, 3, 6][i % 3];
    const schedule = (['constant', 'heuristic', 'adaptive'] as const)[Math.floor(i / 3) % 3];
    const spec = speculativeGenerate(target, draft, p, { temperature: 0, maxTokens: 20, gamma, schedule });
    assert.deepEqual(spec.tokens, plain, `prompt ${i}, γ ${gamma}, ${schedule}`);
    assert.equal(spec.stats.emitted, 20);
    drafted += spec.stats.drafted;
    accepted += spec.stats.accepted;
  });
  assert.ok(accepted > 0 && accepted < drafted, `some drafts accepted, some rejected (${accepted}/${drafted})`);
});

test('speculative greedy with penalties and a stop token equals plain greedy', () => {
  const opts = { temperature: 0, maxTokens: 30, repetitionPenalty: 1.3, frequencyPenalty: 0.2 };
  for (const p of prompts.slice(0, 5)) {
    const plain = generate(target, [p], opts)[0];
    const stop = plain.tokens[17];
    const a = generate(target, [p], { ...opts, stopTokens: [stop] })[0];
    const b = speculativeGenerate(target, draft, p, { ...opts, stopTokens: [stop], gamma: 4 });
    assert.deepEqual(b.tokens, a.tokens);
    assert.equal(b.finishReason, a.finishReason);
  }
});

test('single-position exactness: accept-or-resample reproduces p (chi-square, 200k draws)', () => {
  const rng = new Rng(3);
  const p = [0.3, 0.25, 0.2, 0.15, 0.1, 0, 0, 0];
  const q = [0.05, 0.05, 0.1, 0.3, 0.1, 0.2, 0.2, 0];
  const counts = new Array(8).fill(0);
  const pf = Float64Array.from(p);
  const qf = Float64Array.from(q);
  let acc = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    let u = rng.uniform();
    let y = 0;
    for (; y < 7 && u >= q[y]; y++) u -= q[y];
    if (rng.uniform() * q[y] < p[y]) { counts[y]++; acc++; } else counts[residual(pf, qf, rng.uniform())]++;
  }
  const beta = p.reduce((s, pi, i) => s + Math.min(pi, q[i]), 0);
  assert.ok(Math.abs(acc / n - beta) < 4 * Math.sqrt((beta * (1 - beta)) / n), `acceptance ${acc / n} vs Σ min(p, q) = ${beta}`);
  assert.ok(chiSquareGof(counts, p).pValue > 0.01, JSON.stringify(chiSquareGof(counts, p)));
});

test('speculative sampling is distributed as plain sampling: 21k tokens, chi-square vs exact p and vs plain (p > 0.01)', (t) => {
  // The small fixture model is the target here and a still smaller random model the draft, which
  // keeps 14k sampled sequences fast; exactness does not depend on the models' sizes.
  const big = draft;
  const small = new DecoderLmRunner(createModel({ modelType: 'gpt', vocabSize: big.config.vocabSize, maxSeqLen: 32, dim: 8, nLayers: 1, nHeads: 1, seed: 5, initStd: 0.3 }).eval());
  const prompt = prompts[7];
  const n = 7000;
  const len = 3;
  const v = big.config.vocabSize;
  const sampling = samplingDefaults({ temperature: 1 });
  const pc = createCache(big, 1, 32);
  const qc = createCache(small, 1, 32);
  big.forward(prompt.slice(0, -1), 1, prompt.length - 1, pc);
  small.forward(prompt.slice(0, -1), 1, prompt.length - 1, qc);
  const spec = Array.from({ length: len }, () => new Array(v).fill(0));
  let drafted = 0;
  let betaSum = 0;
  for (let s = 0; s < n; s++) {
    const r = speculativeGenerate(big, small, prompt, { temperature: 1, maxTokens: len, gamma: 2, seed: 1000 + s, prefix: { target: pc, draft: qc } });
    r.tokens.forEach((t, i) => spec[i][t]++);
    drafted += r.stats.drafted;
    betaSum += r.stats.betaSum;
  }
  // Plain sampling of n continuations as one batch, every row starting from the prompt's cache.
  const plain = Array.from({ length: len }, () => new Array(v).fill(0));
  const cache = createCache(big, n, 32);
  for (let r = 0; r < n; r++) cache.copySlot(pc, 0, r);
  const seqs = Array.from({ length: n }, (_, r) => new Sequence(prompt, { temperature: 1, maxTokens: len, seed: 77 + r }, v, 32));
  let last = seqs.map(() => prompt[prompt.length - 1]);
  for (let i = 0; i < len; i++) {
    const logits = big.forward(last, n, 1, cache);
    last = seqs.map((q, r) => {
      const t = q.pick(logits.subarray(r * v, (r + 1) * v));
      q.append(t);
      plain[i][t]++;
      return t;
    });
  }
  // Exact marginals of positions 1 and 2 by enumerating the first token.
  const p1 = distribution(big.forward(prompt, 1, prompt.length, createCache(big, 1, 32), { lastOnly: true }), sampling);
  const rows = Array.from({ length: v }, (_, x) => [...prompt, x]).flat();
  const l2 = big.forward(rows, v, prompt.length + 1, createCache(big, v, prompt.length + 1), { lastOnly: true });
  const p2 = new Array(v).fill(0);
  for (let x = 0; x < v; x++) {
    const d = distribution(l2.subarray(x * v, (x + 1) * v), sampling);
    for (let y = 0; y < v; y++) p2[y] += p1[x] * d[y];
  }
  const tests = [chiSquareGof(spec[0], Array.from(p1)), chiSquareGof(spec[1], p2), ...spec.map((c, i) => chiSquareTwoSample(c, plain[i]))];
  t.diagnostic(`p-values (exact 1st, exact 2nd, vs plain 1st-3rd): ${tests.map((x) => x.pValue.toFixed(3)).join(', ')}; α = ${(betaSum / drafted).toFixed(3)}`);
  for (const x of tests) assert.ok(x.pValue > 0.01, `chi-square ${JSON.stringify(x)}`);
  assert.ok(tests.every((x) => x.dof >= 10), `enough cells to test: ${tests.map((x) => x.dof)}`);
  assert.equal(spec.flat().reduce((a, b) => a + b, 0), n * len);
  const alpha = betaSum / drafted;
  assert.ok(alpha > 0.05 && alpha < 0.95, `α = ${alpha}`);
  assert.equal(acceptanceRate({ betaSum, drafted } as Parameters<typeof acceptanceRate>[0]), alpha);
});

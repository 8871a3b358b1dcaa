import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedTokens, operationsFactor, predictedSpeedup, bestGamma } from '../../src/generation/speculative-math.ts';
import { chiSquarePValue } from '../../src/reproduce/speculative-decoding-stats.ts';

test("the paper's Table 1 (c = ĉ = 0) to two decimals, and the bigram example", () => {
  const rows: [number, number, number, number][] = [
    [0.6, 2, 1.53, 1.96], [0.7, 3, 1.58, 2.53], [0.8, 2, 1.23, 2.44], [0.8, 5, 1.63, 3.69], [0.9, 2, 1.11, 2.71], [0.9, 10, 1.60, 6.86],
  ];
  for (const [a, g, ops, speed] of rows) {
    assert.equal(predictedSpeedup(a, g, 0).toFixed(2), speed.toFixed(2), `speed α=${a} γ=${g}`);
    assert.equal(operationsFactor(a, g, 0).toFixed(2), ops.toFixed(2), `operations α=${a} γ=${g}`);
  }
  assert.equal(predictedSpeedup(0.2, 3, 0).toFixed(2), '1.25');
  assert.equal(expectedTokens(1, 4), 5);
});

test('verification cost v lowers the prediction and the best γ', () => {
  assert.ok(Math.abs(predictedSpeedup(0.8, 4, 0.05, 1.5) - (1 - 0.8 ** 5) / (0.2 * (4 * 0.05 + 1.5))) < 1e-12);
  const free = bestGamma(0.8, 0.05);
  const costly = bestGamma(0.8, 0.05, (k) => 1 + 0.3 * (k - 1));
  assert.ok(costly < free, `${costly} < ${free}`);
  // α > c guarantees some γ reaches (1 + α) / (1 + c)
  assert.ok(predictedSpeedup(0.5, bestGamma(0.5, 0.2), 0.2) >= (1 + 0.5) / (1 + 0.2));
});

test('chi-square p-values match tables', () => {
  assert.ok(Math.abs(chiSquarePValue(3.841, 1) - 0.05) < 1e-3);
  assert.ok(Math.abs(chiSquarePValue(18.307, 10) - 0.05) < 1e-3);
  assert.ok(Math.abs(chiSquarePValue(124.342, 100) - 0.05) < 1e-3);
  assert.ok(Math.abs(chiSquarePValue(6.635, 1) - 0.01) < 1e-3);
});

// Seeded dropout, cross-entropy options, var's correction and the two GELU forms, each against a
// formula computed here in double precision (the PyTorch fixtures cover the same ops on f32).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('dropout: one seed gives one mask; kept elements are scaled by 1/(1-p); the drop rate is p', () => {
  const n = 20000;
  const p = 0.3;
  const x = T.ones([n], { requiresGrad: true });
  const y1 = T.dropout(x, p, { rng: new T.Rng(11) }).toFlatArray();
  const y2 = T.dropout(x, p, { rng: new T.Rng(11) }).toFlatArray();
  assert.deepEqual(y1, y2);
  assert.notDeepEqual(T.dropout(x, p, { rng: new T.Rng(12) }).toFlatArray(), y1);
  const scale = Math.fround(1 / (1 - p));
  assert.ok(y1.every((v) => v === 0 || v === scale));
  const dropped = y1.filter((v) => v === 0).length / n;
  assert.ok(Math.abs(dropped - p) < 4 * Math.sqrt((p * (1 - p)) / n), `drop rate ${dropped}`);
  // The gradient is the same mask and scale.
  T.dropout(x, p, { rng: new T.Rng(11) }).sum().backward();
  assert.deepEqual(x.grad!.toFlatArray(), y1);
  // manualSeed makes the default generator reproducible too; eval mode and p = 0 are identities.
  T.manualSeed(3);
  const d1 = T.dropout(x, 0.5).toFlatArray();
  T.manualSeed(3);
  assert.deepEqual(T.dropout(x, 0.5).toFlatArray(), d1);
  assert.equal(T.dropout(x, 0.5, { training: false }), x);
  assert.equal(T.dropout(x, 0), x);
  assert.throws(() => T.dropout(x, 1), /^TesseraError: dropout: p must be in \[0, 1\)/);
});

/** Cross-entropy by its definition, in double precision. */
function xentOracle(logits: number[][], targets: number[], ignore: number, eps: number): { loss: number; grad: number[][] } {
  const c = logits[0].length;
  let total = 0;
  let count = 0;
  const grad = logits.map((row, r) => {
    if (targets[r] === ignore) return row.map(() => 0);
    count++;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const q = row.map((_, j) => (1 - eps) * (j === targets[r] ? 1 : 0) + eps / c);
    total += row.reduce((s, v, j) => s - q[j] * (v - lse), 0);
    return row.map((v, j) => Math.exp(v - lse) - q[j]);
  });
  return { loss: total / count, grad: grad.map((row) => row.map((v) => v / count)) };
}

test('cross-entropy with an ignore index and label smoothing matches its definition', () => {
  const rng = new T.Rng(4);
  const logits = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => 3 * rng.normal()));
  const targets = [1, -1, 4, 0, -1, 2];
  const want = xentOracle(logits, targets, -1, 0.15);
  const l = T.tensor(logits, { dtype: 'f64', requiresGrad: true });
  const loss = T.crossEntropy(l, T.tensor(targets, { dtype: 'i32' }), { ignoreIndex: -1, labelSmoothing: 0.15 });
  close(loss.item(), want.loss, 1e-12, 'loss');
  loss.backward();
  const g = l.grad!.toArray() as number[][];
  g.forEach((row, r) => row.forEach((v, j) => close(v, want.grad[r][j], 1e-12, `grad[${r}][${j}]`)));
  // Ignored rows get zero loss and zero gradient; all-ignored 'mean' is NaN as in PyTorch.
  const none = T.crossEntropy(l, T.tensor(targets, { dtype: 'i32' }), { ignoreIndex: -1, reduction: 'none' }).toFlatArray();
  assert.equal(none[1], 0);
  assert.equal(none[4], 0);
  assert.ok(Number.isNaN(T.crossEntropy(l, T.full([6], -100, { dtype: 'i32' })).item()));
  assert.throws(() => T.crossEntropy(l, T.full([6], 5, { dtype: 'i32' })), /^TesseraError: crossEntropy: target 5 at row 0 is outside \[0, 5\)/);
});

test('var with correction 0, 1 and 2 divides the squared deviations by n - correction', () => {
  const v = [2, 4, 4, 4, 5, 5, 7, 9]; // mean 5, Σ(x-mean)² = 32
  const x = T.tensor(v, { dtype: 'f64' });
  assert.equal(x.var(undefined, false, 0).item(), 4);
  close(x.var().item(), 32 / 7, 1e-15, 'unbiased');
  close(x.var(0, false, 2).item(), 32 / 6, 1e-15, 'correction 2');
  const m = T.tensor([[1, 2, 3], [4, 6, 8]], { dtype: 'f64' });
  assert.deepEqual(m.var(1, true).toArray(), [[1], [4]]);
  assert.deepEqual(m.var(0, false, 0).toArray(), [2.25, 4, 6.25]);
});

test('gelu: the erf form is x·Φ(x); the tanh form is its approximation, within 1e-3 of it', () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 2, 4];
  const x = T.tensor(xs, { dtype: 'f64' });
  const exact = T.gelu(x).toFlatArray();
  const approx = T.gelu(x, 'tanh').toFlatArray();
  // Φ at a few points (standard normal CDF, to 16 digits).
  const phi: Record<number, number> = { [-1]: 0.15865525393145707, 1: 0.8413447460685429, 2: 0.9772498680518208, 0.5: 0.6914624612740131 };
  for (const [k, p] of Object.entries(phi)) close(exact[xs.indexOf(Number(k))], Number(k) * p, 1e-13, `gelu(${k})`);
  xs.forEach((v, i) => {
    const t = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    close(approx[i], t, 1e-14, `geluTanh(${v})`);
    assert.ok(Math.abs(approx[i] - exact[i]) < 1e-3);
  });
  assert.notEqual(approx[xs.indexOf(1)], exact[xs.indexOf(1)]);
});

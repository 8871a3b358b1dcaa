import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';

test('autograd: matmul + relu + sum gradients match the hand-derived values', () => {
  const a = T.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const b = T.tensor([[1, 0], [0, 1], [1, 1]], { requiresGrad: true });
  const c = a.matmul(b).relu().sum();
  c.backward();
  assert.equal(c.item(), 30);
  // d/da = 1 · bᵀ summed over columns (all outputs positive); d/db = aᵀ · 1.
  assert.deepEqual(a.grad!.toArray(), [[1, 1, 2], [1, 1, 2]]);
  assert.deepEqual(b.grad!.toArray(), [[5, 5], [7, 7], [9, 9]]);
});

test('autograd: gradients accumulate across backward calls, and a freed graph errors', () => {
  const x = T.tensor([1, 2, 3], { requiresGrad: true });
  x.mul(x).sum().backward();
  x.mul(x).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [4, 8, 12]);
  const y = x.exp().sum();
  y.backward();
  assert.throws(() => y.backward(), /backward: the graph through '.*' .* was freed/);
});

test('autograd: backward on a non-scalar without a gradient names the shape', () => {
  const x = T.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => x.mul(2).backward(), /backward: the output has shape \[2\]/);
});

test('noGrad records nothing; detach cuts the graph', () => {
  const x = T.tensor([1, 2], { requiresGrad: true });
  const y = T.noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(x.mul(2).detach().requiresGrad, false);
});

test('kernel registry: a missing kernel names the kernel and the backend', () => {
  T.registerBackend({ name: 'empty-test', dtypes: ['f32'], kernels: {} });
  const x = T.tensor([1]);
  assert.throws(() => T.withBackend('empty-test', () => x.exp()), /Kernel 'unary' is not implemented by backend 'empty-test'/);
});

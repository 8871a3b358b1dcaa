// The autograd surface: accumulation, requiresGrad propagation, detach, noGrad/enableGrad,
// retainGrad, fan-out, seeds, and owned .grad storage. Oracles: derivatives worked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';

test('gradients accumulate across backward calls until zeroGrad', () => {
  const w = T.tensor([1, -2, 3], { requiresGrad: true });
  for (let i = 0; i < 3; i++) w.square().sum().backward(); // d/dw Σw² = 2w, three times
  assert.deepEqual(w.grad!.toArray(), [6, -12, 18]);
  w.zeroGrad();
  assert.equal(w.grad, null);
  w.mul(5).sum().backward();
  assert.deepEqual(w.grad!.toArray(), [5, 5, 5]);
});

test('a tensor used twice (fan-out) receives the sum of both paths', () => {
  const x = T.tensor([2, 3], { requiresGrad: true });
  const y = T.add(x.mul(x), x.exp()); // dy/dx = 2x + eˣ
  y.sum().backward();
  const g = x.grad!.toFlatArray();
  [2, 3].forEach((v, i) => assert.ok(Math.abs(g[i] - (2 * v + Math.exp(v))) < 1e-4 * Math.exp(v)));
});

test('requiresGrad propagates only from inputs that need it; integer tensors cannot require it', () => {
  const a = T.ones([2], { requiresGrad: true });
  const b = T.ones([2]);
  assert.equal(a.add(b).requiresGrad, true);
  assert.equal(b.mul(3).requiresGrad, false);
  assert.equal(a.gt(0).requiresGrad, false);
  assert.equal(a.argmax().requiresGrad, false);
  b.setRequiresGrad(true);
  assert.equal(b.requiresGrad, true);
  b.setRequiresGrad(false);
  assert.equal(b.mul(2).requiresGrad, false);
  assert.throws(() => T.ones([2], { dtype: 'i32' }).setRequiresGrad(), /^TesseraError: requiresGrad: /);
});

test('detach shares storage and cuts the graph', () => {
  const x = T.tensor([1, 2], { requiresGrad: true });
  const d = x.mul(3).detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.node, null);
  const y = x.detach();
  assert.equal(y.data, x.data);
  // Only the attached path contributes: d/dx (x·sg(x)) = sg(x).
  x.mul(x.detach()).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [1, 2]);
});

test('noGrad records nothing, nests, and restores the mode after a throw; enableGrad re-enables', () => {
  const x = T.ones([2], { requiresGrad: true });
  T.noGrad(() => {
    assert.equal(T.isGradEnabled(), false);
    assert.equal(x.mul(2).requiresGrad, false);
    T.noGrad(() => assert.equal(T.isGradEnabled(), false));
    assert.equal(T.isGradEnabled(), false);
    assert.equal(T.enableGrad(() => x.mul(2)).requiresGrad, true);
  });
  assert.equal(T.isGradEnabled(), true);
  assert.throws(() => T.noGrad(() => { throw new Error('boom'); }), /boom/);
  assert.equal(T.isGradEnabled(), true);
});

test('retainGrad keeps the gradient of an intermediate tensor', () => {
  const x = T.tensor([1, 2, 3], { requiresGrad: true });
  const h = x.mul(2).retainGrad();
  h.square().sum().backward(); // d/dh Σh² = 2h = 4x; d/dx = 8x
  assert.deepEqual(h.grad!.toArray(), [4, 8, 12]);
  assert.deepEqual(x.grad!.toArray(), [8, 16, 24]);
});

test('backward seeds: a scalar needs none; a non-scalar needs one of its shape', () => {
  const x = T.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => x.mul(2).backward(), /^TesseraError: backward: the output has shape \[2\]/);
  assert.throws(() => x.mul(2).backward(T.ones([3])), /^TesseraError: backward: gradient shape \[3\] does not match output shape \[2\]/);
  x.mul(2).backward(T.tensor([1, 10]));
  assert.deepEqual(x.grad!.toArray(), [2, 20]);
  assert.throws(() => T.ones([2]).sum().backward(), /^TesseraError: backward: .*does not require a gradient/);
});

test('every leaf owns its .grad storage: an in-place change to one reaches no other tensor', () => {
  const a = T.ones([3], { requiresGrad: true });
  const b = T.ones([3], { requiresGrad: true });
  const seed = T.tensor([1, 2, 3]);
  a.add(b).backward(seed);
  assert.notEqual(a.grad!.data, b.grad!.data);
  assert.notEqual(a.grad!.data, seed.data);
  (a.grad!.data as Float32Array).fill(0);
  assert.deepEqual(b.grad!.toArray(), [1, 2, 3]);
  assert.deepEqual(seed.toArray(), [1, 2, 3]);
});

test('frozen parameters get no gradient; released ones refuse to be read until materialised', () => {
  const w = new T.Parameter(T.tensor([1, 2]), { name: 'w' });
  const f = new T.Parameter(T.tensor([3, 4]), { name: 'f' }).freeze();
  w.mul(f).sum().backward();
  assert.deepEqual(w.grad!.toArray(), [3, 4]);
  assert.equal(f.grad, null);
  f.release();
  assert.equal(f.isMaterialized, false);
  assert.throws(() => f.toArray(), /^TesseraError: buffer: f of shape \[2\] has no storage/);
  f.materialize(new Float32Array([5, 6]));
  assert.deepEqual(f.toArray(), [5, 6]);
});

// Views share storage and read the right elements; gradients flow back through them; broadcasting
// matches the NumPy rule. Oracles: index arithmetic written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';

/** x[i, j, k] of a (2, 3, 4) arange is 12i + 4j + k. */
const base = () => T.arange(24, undefined, 1, { dtype: 'f32' }).reshape(2, 3, 4);

test('reshape of a contiguous tensor is a view: no allocation, shared storage, -1 inferred', () => {
  const x = base();
  const { result: y, count } = T.measureAlloc(() => x.reshape(4, -1));
  assert.equal(count, 0);
  assert.equal(y.data, x.data);
  assert.deepEqual(y.shape, [4, 6]);
  assert.deepEqual(y.toArray(), Array.from({ length: 4 }, (_, r) => Array.from({ length: 6 }, (_, c) => 6 * r + c)));
});

test('permute and transpose swap strides without copying and read the permuted elements', () => {
  const x = base();
  const p = x.permute(2, 0, 1); // (4, 2, 3)
  assert.equal(p.data, x.data);
  assert.deepEqual(p.strides, [1, 12, 4]);
  assert.equal(p.isContiguous, false);
  const want = Array.from({ length: 4 }, (_, k) => Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => 12 * i + 4 * j + k)));
  assert.deepEqual(p.toArray(), want);
  assert.deepEqual(x.transpose(0, 2).shape, [4, 3, 2]);
  assert.deepEqual(x.transpose(0, 2).toArray(), Array.from({ length: 4 }, (_, k) => Array.from({ length: 3 }, (_, j) => [4 * j + k, 12 + 4 * j + k])));
});

test('slice with a step, negative bounds and an empty range', () => {
  const x = base();
  const s = x.slice(2, 1, undefined, 2); // x[:, :, 1::2]  (2, 3, 2)
  assert.equal(s.data, x.data);
  assert.deepEqual(s.toArray(), [0, 1].map((i) => [0, 1, 2].map((j) => [1, 3].map((k) => 12 * i + 4 * j + k))));
  assert.deepEqual(x.slice(1, -2).shape, [2, 2, 4]);
  assert.deepEqual(x.slice(1, -2).toFlatArray().slice(0, 4), [4, 5, 6, 7]);
  assert.deepEqual(x.slice(2, 3, 1).shape, [2, 3, 0]);
  assert.deepEqual(T.arange(10).slice(0, 1, 9, 3).toArray(), [1, 4, 7]);
});

test('expand broadcasts with stride 0; contiguous() copies only when needed', () => {
  const c = T.tensor([[1], [2], [3]]); // (3, 1)
  const e = c.expand(2, 3, 4);
  assert.deepEqual(e.strides, [0, 1, 0]);
  assert.deepEqual(e.toArray(), [0, 1].map(() => [1, 2, 3].map((v) => [v, v, v, v])));
  const x = base();
  assert.equal(x.contiguous(), x);
  const pc = x.permute(1, 0, 2).contiguous();
  assert.equal(pc.isContiguous, true);
  assert.notEqual(pc.data, x.data);
  assert.deepEqual(pc.toArray(), x.permute(1, 0, 2).toArray());
});

test('gradients through views land on the elements the views read', () => {
  const x = T.zeros([3, 4], { requiresGrad: true });
  // Two overlapping slices of the same storage plus a transposed, expanded view.
  const a = x.slice(1, 0, 4, 2).mul(2).sum(); // columns 0, 2: gradient 2
  const b = x.slice(0, 1).sum(); // rows 1, 2: gradient 1
  const c = x.T.slice(0, 3).expand(5, 1, 3).sum(); // column 3 read 5 times
  T.add(T.add(a, b), c).backward();
  assert.deepEqual(x.grad!.toArray(), [
    [2, 0, 2, 5],
    [3, 1, 3, 6],
    [3, 1, 3, 6],
  ]);
});

test('a view of a view written through copyInto changes the shared storage', () => {
  const x = T.zeros([2, 4]);
  T.copyInto(T.tensor([[7, 8]]), x.slice(1, 1, 4, 2).slice(0, 1)); // x[1:, 1::2]
  assert.deepEqual(x.toArray(), [[0, 0, 0, 0], [0, 7, 0, 8]]);
});

test('broadcasting follows the NumPy rule in values and in gradients', () => {
  const a = T.tensor([[1], [2], [3]], { requiresGrad: true }); // (3, 1)
  const b = T.tensor([10, 20, 30, 40], { requiresGrad: true }); // (4)
  const y = a.mul(b); // (3, 4)
  assert.deepEqual(y.toArray(), [1, 2, 3].map((i) => [10, 20, 30, 40].map((j) => i * j)));
  y.backward(T.ones([3, 4]));
  assert.deepEqual(a.grad!.toArray(), [[100], [100], [100]]);
  assert.deepEqual(b.grad!.toArray(), [6, 6, 6, 6]);
  assert.deepEqual(T.add(T.zeros([2, 1, 3]), T.zeros([4, 1])).shape, [2, 4, 3]);
  assert.deepEqual(T.add(T.tensor(5), T.zeros([2])).toArray(), [5, 5]);
});

// Bad calls throw errors that start with the op's name and name the shapes involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';

const x23 = T.zeros([2, 3]);
const x43 = T.zeros([4, 3]);
const i23 = T.zeros([2, 3], { dtype: 'i32' });

/** Asserts fn throws a TesseraError whose message starts with `op:` and contains every shape. */
function throwsNaming(fn: () => unknown, op: string, ...shapes: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof T.TesseraError, `expected a TesseraError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${op}: `), `'${e.message}' does not start with '${op}: '`);
    for (const s of shapes) assert.ok(e.message.includes(s), `'${e.message}' does not name ${s}`);
    return true;
  });
}

test('shape mismatch names the op and both shapes', () => {
  throwsNaming(() => T.add(x23, x43), 'add', '[2, 3]', '[4, 3]');
  throwsNaming(() => T.mul(x23, T.zeros([3, 2])), 'mul', '[2, 3]', '[3, 2]');
  throwsNaming(() => T.where(T.zeros([2, 1], { dtype: 'u8' }), x23, x43), 'where', '[4, 3]');
  throwsNaming(() => T.matmul(x23, T.zeros([4, 5])), 'matmul', '[2, 3]', '[4, 5]');
  throwsNaming(() => T.matmul(T.zeros([2, 2, 3]), T.zeros([3, 3, 4])), 'matmul', '[2]', '[3]');
  throwsNaming(() => T.concat([x23, T.zeros([2, 4, 1])]), 'concat', '[2, 3]', '[2, 4, 1]');
  throwsNaming(() => T.stack([x23, x43]), 'stack', '[2, 3]', '[4, 3]');
  throwsNaming(() => T.reshape(x23, [4, 2]), 'reshape', '[2, 3]', '[4, 2]');
  throwsNaming(() => T.expand(x23, [2, 4]), 'expand', '[2, 3]', '[2, 4]');
  throwsNaming(() => T.layerNorm(x23, T.ones([4])), 'layerNorm', '[2, 3]', '[4]');
  throwsNaming(() => T.crossEntropy(x23, T.zeros([3], { dtype: 'i32' })), 'crossEntropy', '[2, 3]', '[3]');
  throwsNaming(() => T.gather(x23, 1, T.zeros([3, 1], { dtype: 'i32' })), 'gather', '[2, 3]', '[3, 1]');
  throwsNaming(() => T.split(x23, [1, 1], 1), 'split', '[2, 3]');
  throwsNaming(() => x23.setRequiresGrad(true).mul(2).backward(), 'backward', '[2, 3]');
});

test('wrong dtype names the op, the dtypes and the shapes', () => {
  throwsNaming(() => T.add(x23, i23), 'add', 'f32', 'i32', '[2, 3]');
  throwsNaming(() => T.exp(i23), 'exp', 'i32', '[2, 3]');
  throwsNaming(() => T.sum(i23), 'sum', 'i32', '[2, 3]');
  throwsNaming(() => T.softmax(i23), 'softmax', 'i32', '[2, 3]');
  throwsNaming(() => T.matmul(x23, T.zeros([3, 2], { dtype: 'i32' })), 'matmul', 'i32', '[2, 3]', '[3, 2]');
  throwsNaming(() => T.gather(x23, 1, T.zeros([2, 1])), 'gather', 'f32', '[2, 1]');
  throwsNaming(() => T.embedding(i23, T.zeros([2], { dtype: 'i32' })), 'indexSelect', 'i32', '[2, 3]');
  throwsNaming(() => T.crossEntropy(x23, T.zeros([2])), 'crossEntropy', 'f32', '[2]', '[2, 3]');
  throwsNaming(() => T.where(T.zeros([2, 3], { dtype: 'u8' }), x23, i23), 'where', 'f32', 'i32', '[2, 3]');
  throwsNaming(() => T.concat([x23, i23]), 'concat', 'f32', 'i32', '[2, 3]');
  throwsNaming(() => i23.setRequiresGrad(true), 'requiresGrad', 'i32', '[2, 3]');
});

test('axis out of range names the op, the axis and the shape', () => {
  throwsNaming(() => T.sum(x23, 2), 'sum', 'axis 2', '[2, 3]');
  throwsNaming(() => T.mean(x23, [0, -3]), 'mean', 'axis -3', '[2, 3]');
  throwsNaming(() => T.max(x23, 5), 'max', 'axis 5', '[2, 3]');
  throwsNaming(() => T.argmax(x23, 2), 'argmax', 'axis 2', '[2, 3]');
  throwsNaming(() => T.softmax(x23, 2), 'softmax', 'axis 2', '[2, 3]');
  throwsNaming(() => T.transpose(x23, 0, 2), 'transpose', 'axis 2', '[2, 3]');
  throwsNaming(() => T.slice(x23, -3, 0), 'slice', 'axis -3', '[2, 3]');
  throwsNaming(() => T.concat([x23, x23], 2), 'concat', 'axis 2', '[2, 3]');
  throwsNaming(() => T.stack([x23, x23], 3), 'stack', 'axis 3', '[2, 3]');
  throwsNaming(() => T.unsqueeze(x23, 3), 'unsqueeze', 'axis 3', '[2, 3]');
  throwsNaming(() => T.gather(x23, 2, i23), 'gather', 'axis 2', '[2, 3]');
  throwsNaming(() => T.sum(x23, [1, -1]), 'sum', 'repeated axis', '[2, 3]');
});

test('an index out of range names the op, the bound and the index shape', () => {
  throwsNaming(() => T.embedding(x23, T.tensor([0, 2], { dtype: 'i32' })), 'indexSelect', 'index 2', '[0, 2)', '[2]');
});

test('backward twice through a freed graph names the op and its output shape', () => {
  const a = T.randn([3, 4], { rng: new T.Rng(1), requiresGrad: true });
  const y = a.exp().sum();
  y.backward();
  throwsNaming(() => y.backward(), 'backward', "'sum'", '[]');
  const z = a.matmul(T.ones([4, 2])); // (3, 2)
  z.backward(T.ones([3, 2]));
  throwsNaming(() => z.backward(T.ones([3, 2])), 'backward', "'matmul'", '[3, 2]');
  // With retainGraph the second pass works and accumulates.
  const w = a.mul(3).sum();
  a.zeroGrad();
  w.backward(undefined, { retainGraph: true });
  w.backward();
  assert.deepEqual(a.grad!.toFlatArray(), new Array(12).fill(6));
});

test('backward seeds and expand sizes are checked against the tensor they apply to', () => {
  const x = T.ones([2, 3], { requiresGrad: true });
  throwsNaming(() => x.mul(2).backward(T.ones([2, 3], { dtype: 'f64' })), 'backward', 'f64', 'f32', '[2, 3]');
  throwsNaming(() => T.expand(T.ones([3]), [-1, 3]), 'expand', '[-1, 3]', '[3]');
  assert.deepEqual(T.expand(T.ones([3, 1]), [2, -1, 4]).shape, [2, 3, 4]);
});

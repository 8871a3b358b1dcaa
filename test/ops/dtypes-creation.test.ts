// Dtype round trips through cast, creation functions, and reading tensors back (toArray, item,
// toString). Oracles: IEEE rounding rules worked out by hand, and formulas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';

test('cast f32 <-> i32 / u8 / i8: floats truncate toward zero, integers convert exactly', () => {
  const x = T.tensor([-2.7, -0.5, 0, 0.9, 3.99, 200.5]);
  assert.deepEqual(x.cast('i32').toArray(), [-2, 0, 0, 0, 3, 200]);
  assert.equal(x.cast('i32').dtype, 'i32');
  assert.deepEqual(T.tensor([0, 1, 127, 255], { dtype: 'u8' }).cast('f32').cast('u8').toArray(), [0, 1, 127, 255]);
  assert.deepEqual(T.tensor([-128, -1, 0, 127], { dtype: 'i8' }).cast('f32').toArray(), [-128, -1, 0, 127]);
  const big = T.tensor([16777217, -5, 2147483647], { dtype: 'i32' });
  assert.deepEqual(big.cast('f64').cast('i32').toArray(), [16777217, -5, 2147483647]);
});

test('f16 round trip: exact values survive, others round to nearest even, overflow is infinite', () => {
  const exact = [0, -0, 0.5, -2, 1024, 65504, 2 ** -14, 2 ** -24, 1 + 2 ** -10];
  assert.deepEqual(T.tensor(exact).cast('f16').cast('f32').toArray(), exact);
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
  // 1 + 3·2^-11 is halfway between 1 + 2^-10 and 1 + 2^-9: the even one is 1 + 2^-9.
  const r = T.tensor([1 + 2 ** -11, 1 + 3 * 2 ** -11, 70000, -70000, 2 ** -26]).cast('f16').cast('f32').toArray();
  assert.deepEqual(r, [1, 1 + 2 ** -9, Infinity, -Infinity, 0]);
  assert.ok(Number.isNaN(T.tensor([NaN]).cast('f16').cast('f32').item()));
  assert.equal(T.f16ToF32(0x3c00), 1);
  assert.equal(T.f32ToF16(-2), 0xc000);
});

test('bf16 round trip keeps the top 16 bits of an f32, rounding to nearest even', () => {
  const exact = [0, 1, -3.5, 2 ** 100, 1 + 2 ** -7];
  assert.deepEqual(T.tensor(exact).cast('bf16').cast('f32').toArray(), exact);
  const r = T.tensor([1 + 2 ** -8, 1 + 3 * 2 ** -8]).cast('bf16').cast('f32').toArray();
  assert.deepEqual(r, [1, 1 + 2 ** -6]);
  assert.ok(Number.isNaN(T.tensor([NaN]).cast('bf16').cast('f32').item()));
  assert.equal(T.bf16ToF32(T.f32ToBf16(3)), 3);
  // f16 -> bf16 converts the value, not the bits.
  assert.deepEqual(T.tensor([1.5, -0.25]).cast('f16').cast('bf16').toArray(), [1.5, -0.25]);
  assert.throws(() => T.tensor(new Uint16Array(2)), /dtype: a Uint16Array is ambiguous/);
});

test('gradients flow through f16 and bf16 casts, rounded like the forward', () => {
  const x = T.tensor([1, 2, 3], { requiresGrad: true });
  x.cast('bf16').cast('f32').backward(T.tensor([1 + 2 ** -8, 1, 0.5]));
  assert.deepEqual(x.grad!.toArray(), [1, 1, 0.5]);
});

test('zeros, ones, full in every dtype', () => {
  for (const dtype of T.DTYPES) {
    assert.deepEqual(T.zeros([2, 2], { dtype }).toArray(), [[0, 0], [0, 0]], dtype);
    assert.deepEqual(T.ones([3], { dtype }).toArray(), [1, 1, 1], dtype);
    assert.deepEqual(T.full([2], 5, { dtype }).toArray(), [5, 5], dtype);
    assert.equal(T.ones([1], { dtype }).dtype, dtype);
  }
  assert.deepEqual(T.full([], 2.5).toArray(), 2.5);
  assert.equal(T.ones([2, 3], { requiresGrad: true }).requiresGrad, true);
  assert.deepEqual(T.ones([2], { dtype: 'f16' }).onesLike().toArray(), [1, 1]);
});

test('arange: integer ranges are i32, fractional ones f32, steps may be negative', () => {
  assert.deepEqual(T.arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.equal(T.arange(5).dtype, 'i32');
  assert.deepEqual(T.arange(2, 11, 3).toArray(), [2, 5, 8]);
  assert.deepEqual(T.arange(5, 0, -2).toArray(), [5, 3, 1]);
  assert.deepEqual(T.arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
  assert.equal(T.arange(0, 1, 0.25).dtype, 'f32');
  assert.deepEqual(T.arange(3, 3).shape, [0]);
  assert.throws(() => T.arange(0, 1, 0), /^TesseraError: arange: step must not be 0/);
});

test('rand/randn/randint are reproducible from a seed and have the requested distribution', () => {
  const a = T.randn([1000], { rng: new T.Rng(42) }).toFlatArray();
  assert.deepEqual(T.randn([1000], { rng: new T.Rng(42) }).toFlatArray(), a);
  assert.notDeepEqual(T.randn([1000], { rng: new T.Rng(43) }).toFlatArray(), a);
  T.manualSeed(7);
  const g1 = T.rand([50]).toFlatArray();
  T.manualSeed(7);
  assert.deepEqual(T.rand([50]).toFlatArray(), g1);

  // 20000 draws: the sample mean is within 4 standard errors of the true one.
  const n = 20000;
  const z = T.randn([n], { rng: new T.Rng(1), mean: 3, std: 2 });
  const mu = z.mean().item();
  const sd = Math.sqrt(z.var().item());
  assert.ok(Math.abs(mu - 3) < (4 * 2) / Math.sqrt(n), `randn mean ${mu}`);
  assert.ok(Math.abs(sd - 2) < 0.05, `randn std ${sd}`);
  const u = T.rand([n], { rng: new T.Rng(2), low: -1, high: 3 });
  assert.ok(u.min().item() >= -1 && u.max().item() < 3);
  assert.ok(Math.abs(u.mean().item() - 1) < (4 * (4 / Math.sqrt(12))) / Math.sqrt(n));
  const k = T.randint(0, 5, [n], { rng: new T.Rng(3) });
  assert.equal(k.dtype, 'i32');
  const counts = new Array(5).fill(0);
  for (const v of k.toFlatArray()) counts[v]++;
  for (const c of counts) assert.ok(Math.abs(c - n / 5) < 4 * Math.sqrt(n * 0.2 * 0.8), `randint count ${c}`);
  assert.deepEqual(T.randn([2, 2], { dtype: 'f64', rng: new T.Rng(9) }).dtype, 'f64');
});

test('tensor() from nested arrays, flat arrays with a shape, and typed arrays (used in place)', () => {
  assert.deepEqual(T.tensor([[1, 2, 3], [4, 5, 6]]).shape, [2, 3]);
  assert.deepEqual(T.tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray(), [[1, 2], [3, 4], [5, 6]]);
  const buf = new Float32Array([1, 2, 3, 4]);
  const t = T.tensor(buf, [2, 2]);
  assert.equal(t.data, buf);
  assert.equal(T.tensor(new Int32Array([1, 2])).dtype, 'i32');
  assert.equal(T.tensor([1.5, 2], { dtype: 'f64' }).dtype, 'f64');
  assert.throws(() => T.tensor([[1, 2], [3]]), /^TesseraError: tensor: ragged nested array/);
  assert.throws(() => T.tensor([1, 2, 3], [2, 2]), /^TesseraError: tensor: shape \[2, 2\] needs 4 elements, got 3/);
});

test('toArray, item and toString read tensors back, views included', () => {
  const x = T.tensor([[1, 2.5], [3, 4]]);
  assert.deepEqual(x.toArray(), [[1, 2.5], [3, 4]]);
  assert.deepEqual(x.T.toArray(), [[1, 3], [2.5, 4]]);
  assert.equal(T.tensor([[7]]).item(), 7);
  assert.equal(x.sum().item(), 10.5);
  assert.throws(() => x.item(), /^TesseraError: item: .*shape \[2, 2\]/);
  assert.equal(x.toString(), 'tensor([[1., 2.500],\n        [3., 4.]], shape=[2, 2], dtype=f32)');
  assert.equal(T.tensor([1, 2], { dtype: 'i32' }).toString(), 'tensor([1, 2], shape=[2], dtype=i32)');
  assert.equal(T.full([], 7).toString(), 'tensor(7., shape=[], dtype=f32)');
  assert.equal(T.ones([1], { requiresGrad: true }).toString(), 'tensor([1.], shape=[1], dtype=f32, requiresGrad)');
  // Past 1000 elements the middle is elided.
  assert.equal(T.arange(2000).toString(), 'tensor([0, 1, 2, ..., 1997, 1998, 1999], shape=[2000], dtype=i32)');
  assert.equal(`${T.tensor([0.1])}`, 'tensor([0.1000], shape=[1], dtype=f32)');
});

test('an integer tensor with a fractional number computes in f32; with an integer it stays integer', () => {
  const i = T.arange(4); // i32
  assert.deepEqual(i.mul(0.5).toArray(), [0, 0.5, 1, 1.5]);
  assert.equal(i.mul(0.5).dtype, 'f32');
  assert.deepEqual(T.gt(i, 1.5).toArray(), [0, 0, 1, 1]);
  assert.deepEqual(T.sub(2.5, i).toArray(), [2.5, 1.5, 0.5, -0.5]);
  assert.equal(i.add(2).dtype, 'i32');
  assert.deepEqual(i.add(2).toArray(), [2, 3, 4, 5]);
});

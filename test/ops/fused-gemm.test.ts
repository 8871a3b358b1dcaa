// matmulAdd (the GEMM accumulating into a broadcast c) and the one-GEMM sumTo over leading axes,
// against a naive double-precision product and sums computed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';

const close = (a: number[], b: number[], tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));
};

/** out[bi][i][j] = Σ_q a[bi][i][q]·b[q][j] + c[j] (b shared, c a row), in double precision. */
function naive(a: number[], b: number[], c: number[], batch: number, m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = c[j];
        for (let q = 0; q < k; q++) s += a[bi * m * k + i * k + q] * b[q * n + j];
        out.push(s);
      }
    }
  }
  return out;
}

test('matmulAdd: x·Wᵀ + bias equals the naive product plus bias; gradients match matmul then add', () => {
  const [B, M, K, N] = [3, 5, 7, 4];
  const rng = new T.Rng(5);
  const x = T.randn([B, M, K], { rng, requiresGrad: true });
  const w = T.randn([N, K], { rng, requiresGrad: true });
  const bias = T.randn([N], { rng, requiresGrad: true });
  const y = T.matmulAdd(x, w.T, bias);
  assert.deepEqual(y.shape, [B, M, N]);
  const wt = w.T.contiguous().toFlatArray();
  close(y.toFlatArray(), naive(x.toFlatArray(), wt, bias.toFlatArray(), B, M, K, N), 1e-5, 'forward');
  const gy = T.randn([B, M, N], { rng });
  y.backward(gy);
  const [gx, gw, gb] = [x.grad!.toFlatArray(), w.grad!.toFlatArray(), bias.grad!.toFlatArray()];
  // The bias gradient is the column sum of gy over (B, M).
  const g = gy.toFlatArray();
  const colSum = Array.from({ length: N }, (_, j) => g.filter((_, i) => i % N === j).reduce((s, v) => s + v, 0));
  close(gb, colSum, 1e-5, 'bias grad');
  for (const t of [x, w, bias]) t.zeroGrad();
  T.add(T.matmul(x, w.T), bias).backward(gy);
  close(gx, x.grad!.toFlatArray(), 1e-5, 'x grad');
  close(gw, w.grad!.toFlatArray(), 1e-5, 'w grad');
});

test('matmulAdd: a (T, S) mask broadcasts over batched scores; a c wider than the product falls back to add', () => {
  const rng = new T.Rng(9);
  const q = T.randn([2, 3, 4, 5], { rng });
  const k = T.randn([2, 3, 6, 5], { rng });
  const mask = T.randn([4, 6], { rng });
  const ref = T.add(T.matmul(q, k.transpose(-2, -1)), mask);
  close(T.matmulAdd(q, k.transpose(-2, -1), mask).toFlatArray(), ref.toFlatArray(), 1e-6, 'masked scores');
  const wide = T.randn([7, 1, 1], { rng });
  const a = T.randn([4, 5], { rng });
  const b = T.randn([5, 6], { rng });
  const y = T.matmulAdd(a, b, wide);
  assert.deepEqual(y.shape, [7, 4, 6]);
  close(y.toFlatArray(), T.add(T.matmul(a, b), wide).toFlatArray(), 1e-6, 'fallback');
  assert.throws(() => T.matmulAdd(a, a, wide), /^TesseraError: matmulAdd: inner dimensions differ/);
});

test('sumTo over leading axes of a contiguous tensor equals the naive column sum', () => {
  const rng = new T.Rng(2);
  const g = T.randn([3, 4, 6], { rng });
  const v = g.toFlatArray();
  const want = Array.from({ length: 6 }, (_, j) => v.filter((_, i) => i % 6 === j).reduce((s, x) => s + x, 0));
  close(T.sumTo(g, [6]).toFlatArray(), want, 1e-6, 'sumTo (6)');
  close(T.sumTo(g, [1, 1, 6]).toFlatArray(), want, 1e-6, 'sumTo (1, 1, 6)');
  const want2 = Array.from({ length: 24 }, (_, j) => v[j] + v[24 + j] + v[48 + j]);
  close(T.sumTo(g, [4, 6]).toFlatArray(), want2, 1e-6, 'sumTo (4, 6)');
});

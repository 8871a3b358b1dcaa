// Native GEMM against the reference backend on awkward shapes, every transposition, batched and
// accumulating; and batch invariance, bitwise: a row's result does not depend on how many rows
// are in the call, which rows share it, or the thread count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import type { MatmulParams } from '../../src/spec/backend.ts';
import { addon, nat, ref, AWKWARD, randn, worst, bitwiseEqual } from './helpers.ts';
import { nativeUnavailableReason } from '../../src/backends/native/index.ts';

function params(m: number, n: number, k: number, transA = false, transB = false, batch = 1, accumulate = false): MatmulParams {
  return { batch, m, n, k, transA, transB, strideA: m * k, strideB: k * n, accumulate };
}

/** Error bound of an f32 dot product of length k against the f64 reference. */
function checkMatmul(rng: Rng, p: MatmulParams): void {
  const a = randn(rng, p.batch * p.m * p.k);
  const b = randn(rng, p.batch * p.k * p.n);
  const init = randn(rng, p.batch * p.m * p.n);
  const want = Float32Array.from(init);
  const got = Float32Array.from(init);
  ref.matmul(a, b, want, p);
  nat!.matmul(a, b, got, p);
  const tol = 4e-7 * Math.sqrt(p.k) * 4 + 1e-6;
  const w = worst(got, want, tol, 1e-5);
  assert.ok(w <= 1, `matmul ${JSON.stringify(p)}: error ${w.toFixed(2)}x the tolerance`);
}

if (addon === null) {
  test('native: unavailable, and the reason is known', () => {
    assert.ok(nativeUnavailableReason().length > 0);
  });
} else {
  const native = addon;
  test('native matmul matches the reference on awkward sizes, all transpositions', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 48; t++) {
      const m = AWKWARD[rng.int(AWKWARD.length)];
      const n = AWKWARD[rng.int(AWKWARD.length)];
      const k = AWKWARD[rng.int(AWKWARD.length)];
      checkMatmul(rng, params(m, n, k, t % 2 === 1, (t >> 1) % 2 === 1));
    }
  });

  test('native matmul: K past one block, skinny/packed boundary, batched, broadcast, accumulate, empty', () => {
    const rng = new Rng(12);
    for (const [m, n, k] of [[16, 70, 900], [17, 70, 900], [5, 129, 385], [40, 33, 1000], [2, 5000, 3]]) {
      for (const tb of [false, true]) checkMatmul(rng, params(m, n, k, false, tb));
    }
    checkMatmul(rng, params(7, 9, 33, false, false, 3));
    checkMatmul(rng, params(33, 17, 65, true, true, 4, true));
    checkMatmul(rng, { ...params(20, 31, 64, false, false, 3), strideB: 0 });
    checkMatmul(rng, params(3, 4, 0));
    checkMatmul(rng, params(3, 4, 0, false, false, 1, true));
  });

  test('native matmul is batch-invariant: a row is bitwise the same alone, in any group, in a batch', () => {
    const rng = new Rng(13);
    for (const [m, n, k] of [[40, 100, 800], [129, 65, 63], [24, 3072, 96]]) {
      for (const transB of [false, true]) {
        const a = randn(rng, m * k);
        const b = randn(rng, k * n);
        const full = new Float32Array(m * n);
        nat!.matmul(a, b, full, params(m, n, k, false, transB));
        for (const [r0, rows] of [[0, 1], [m - 1, 1], [5, 1], [3, 4], [1, 16], [2, 17], [0, m]]) {
          const part = new Float32Array(rows * n);
          nat!.matmul(a.subarray(r0 * k, (r0 + rows) * k), b, part, params(rows, n, k, false, transB));
          assert.ok(bitwiseEqual(part, full.subarray(r0 * n, (r0 + rows) * n)),
            `rows ${r0}..${r0 + rows} of ${m}x${n}x${k} transB=${transB} differ from the full call`);
        }
        // The same rows inside a batched call.
        const batched = new Float32Array(2 * m * n);
        nat!.matmul(Float32Array.from([...a, ...a]), b, batched, { ...params(m, n, k, false, transB, 2), strideB: 0 });
        assert.ok(bitwiseEqual(batched.subarray(m * n), full), 'batched result differs');
      }
    }
  });

  test('native matmul gives bitwise the same result on 1 and 2 threads', () => {
    const rng = new Rng(14);
    const before = native.info().threads;
    try {
      for (const [m, n, k, ta, tb] of [[300, 200, 800, false, false], [8, 3000, 400, false, false], [200, 64, 500, true, true]] as const) {
        const a = randn(rng, m * k);
        const b = randn(rng, k * n);
        const one = new Float32Array(m * n);
        const two = new Float32Array(m * n);
        native.setThreads(1);
        nat!.matmul(a, b, one, params(m, n, k, ta, tb));
        native.setThreads(2);
        nat!.matmul(a, b, two, params(m, n, k, ta, tb));
        assert.ok(bitwiseEqual(one, two), `${m}x${n}x${k}: 1 vs 2 threads differ`);
      }
    } finally {
      native.setThreads(before);
    }
  });

  test('the AVX2 and scalar GEMM paths (chosen at run time) are right and batch-invariant too', () => {
    const rng = new Rng(16);
    const best = native.info().isa;
    try {
      for (const isa of ['avx2+fma', 'scalar']) {
        native.setIsa(isa);
        if (native.info().isa !== isa) continue; // not supported by this CPU
        for (const [m, n, k] of [[1, 65, 33], [7, 129, 400], [65, 33, 127], [20, 300, 800]]) {
          for (const tb of [false, true]) checkMatmul(rng, params(m, n, k, tb, tb));
          const a = randn(rng, m * k);
          const b = randn(rng, k * n);
          const full = new Float32Array(m * n);
          const row = new Float32Array(n);
          nat!.matmul(a, b, full, params(m, n, k));
          nat!.matmul(a.subarray((m - 1) * k), b, row, params(1, n, k));
          assert.ok(bitwiseEqual(row, full.subarray((m - 1) * n)), `${isa}: last row of ${m}x${n}x${k} differs alone`);
        }
      }
    } finally {
      native.setIsa(best);
    }
  });

  test('native gemm ladder rungs agree with the reference', () => {
    const rng = new Rng(15);
    const [m, n, k] = [33, 130, 65];
    const a = randn(rng, m * k);
    const b = randn(rng, k * n);
    const want = new Float32Array(m * n);
    ref.matmul(a, b, want, params(m, n, k));
    for (const v of [1, 2, 3]) {
      const got = new Float32Array(m * n);
      if (!native.gemmLadder(v, a, b, got, m, n, k)) continue; // rung 2 needs AVX-512
      assert.ok(worst(got, want, 1e-5, 1e-5) <= 1, `ladder rung ${v}`);
    }
  });

  test('native matmul rejects arrays too short for the shape, naming the argument', () => {
    assert.throws(() => nat!.matmul(new Float32Array(5), new Float32Array(6), new Float32Array(4), params(2, 2, 3)),
      /native\.matmul: argument 0 has 5 elements, expected at least 6/);
  });
}

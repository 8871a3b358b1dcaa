// Every native kernel against the reference backend on random data with awkward sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import type { BinaryOp, ReduceOp, UnaryGradOp, UnaryOp, StridedView } from '../../src/spec/backend.ts';
import { addon, nat, ref, AWKWARD, randn, randInts, worst, bitwiseEqual } from './helpers.ts';

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'tanh', 'sigmoid', 'relu', 'gelu',
  'geluTanh', 'silu', 'square', 'reciprocal'];
const GRADS: UnaryGradOp[] = ['gelu', 'geluTanh', 'silu'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const REDUCE: ReduceOp[] = ['sum', 'max', 'min', 'argmax', 'argmin', 'logsumexp'];

function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  const w = worst(got, want, atol, rtol);
  assert.ok(w <= 1, `${name}: error ${w.toFixed(2)}x the tolerance`);
}

/** (rows, cols) pairs drawn from the awkward sizes, plus one long row. */
function shapes(rng: Rng, count: number): [number, number][] {
  const out: [number, number][] = [[1, 1], [3, 1000], [1, 70000]];
  for (let i = 0; i < count; i++) out.push([AWKWARD[rng.int(AWKWARD.length)], AWKWARD[rng.int(AWKWARD.length)]]);
  return out;
}

if (addon !== null && nat !== null) {
  const N = nat;

  test('native unary ops and gradients match the reference', () => {
    const rng = new Rng(21);
    for (const n of [...AWKWARD, 70001]) {
      const x = randn(rng, n, 2);
      x[0] = Number.NaN;
      const pos = x.map((v) => Math.abs(v) + 0.1);
      for (const op of UNARY) {
        const input = op === 'log' || op === 'sqrt' || op === 'rsqrt' || op === 'reciprocal' ? pos : x;
        const got = new Float32Array(n);
        const want = new Float32Array(n);
        N.unary(op, input, got);
        ref.unary(op, input, want);
        close(`unary ${op} n=${n}`, got, want, 1e-6, 2e-6);
      }
      const gy = randn(rng, n);
      for (const op of GRADS) {
        const got = new Float32Array(n);
        const want = new Float32Array(n);
        N.unaryGrad(op, x, gy, got);
        ref.unaryGrad(op, x, gy, want);
        close(`unaryGrad ${op} n=${n}`, got, want, 2e-6, 5e-6);
      }
    }
  });

  test('native binary ops broadcast through strided views like the reference', () => {
    const rng = new Rng(22);
    const cases: { shape: number[]; a: (s: number[]) => StridedView; b: (s: number[]) => StridedView }[] = [];
    const contiguous = (shape: number[], data: Float32Array, offset = 0): StridedView => {
      const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1));
      return { data, offset, strides };
    };
    for (const [r, c] of shapes(rng, 8)) {
      const full = randn(rng, r * c + 3);
      const row = randn(rng, c);
      const col = randn(rng, r);
      const tr = randn(rng, r * c);
      cases.push(
        { shape: [r, c], a: (s) => contiguous(s, full, 3), b: () => ({ data: row, offset: 0, strides: [0, 1] }) },
        { shape: [r, c], a: () => ({ data: col, offset: 0, strides: [1, 0] }), b: (s) => contiguous(s, full) },
        { shape: [r, c], a: () => ({ data: tr, offset: 0, strides: [1, r] }), b: (s) => contiguous(s, full, 1) },
        { shape: [2, r, c], a: () => ({ data: full, offset: 0, strides: [0, c, 1] }), b: () => ({ data: row, offset: 0, strides: [0, 0, 1] }) },
      );
    }
    for (const cs of cases) {
      const a = cs.a(cs.shape);
      const b = cs.b(cs.shape);
      const n = cs.shape.reduce((p, q) => p * q, 1);
      for (const op of BINARY) {
        const got = new Float32Array(n);
        const want = new Float32Array(n);
        N.binary(op, a, b, got, cs.shape);
        ref.binary(op, a, b, want, cs.shape);
        close(`binary ${op} ${cs.shape}`, got, want, 1e-6, 1e-6);
      }
      const cond = { data: Float32Array.from(a.data as Float32Array, (v) => (v > 0 ? 1 : 0)), offset: a.offset, strides: a.strides };
      const got = new Float32Array(n);
      const want = new Float32Array(n);
      N.where(cond, a, b, got, cs.shape);
      ref.where(cond, a, b, want, cs.shape);
      close(`where ${cs.shape}`, got, want, 0, 0);
    }
  });

  test('native strided copy matches the reference (transpose, broadcast source, offsets)', () => {
    const rng = new Rng(23);
    for (const [r, c] of shapes(rng, 8)) {
      const src = randn(rng, r * c + 5);
      const views: [StridedView, StridedView][] = [
        [{ data: src, offset: 5, strides: [c, 1] }, { data: new Float32Array(r * c), offset: 0, strides: [1, r] }],
        [{ data: src, offset: 0, strides: [1, r] }, { data: new Float32Array(r * c), offset: 0, strides: [c, 1] }],
        [{ data: src, offset: 2, strides: [0, 1] }, { data: new Float32Array(r * c + 7), offset: 7, strides: [c, 1] }],
      ];
      for (const [s, d] of views) {
        const d2 = { ...d, data: Float32Array.from(d.data as Float32Array) };
        N.copy(s, d, [r, c]);
        ref.copy(s, d2, [r, c]);
        close(`copy ${r}x${c}`, d.data, d2.data, 0, 0);
      }
    }
  });

  test('native row kernels (reductions, softmax, norms, cross-entropy) match the reference', () => {
    const rng = new Rng(24);
    for (const [rows, cols] of shapes(rng, 10)) {
      const n = rows * cols;
      const x = randn(rng, n, 3);
      for (const op of REDUCE) {
        const arg = op === 'argmax' || op === 'argmin';
        const got = arg ? new Int32Array(rows) : new Float32Array(rows);
        const want = arg ? new Int32Array(rows) : new Float32Array(rows);
        N.reduce(op, x, rows, cols, got);
        ref.reduce(op, x, rows, cols, want);
        close(`reduce ${op} ${rows}x${cols}`, got, want, 2e-5 * Math.sqrt(cols), 1e-5);
      }
      const gy = randn(rng, n);
      for (const log of [false, true]) {
        const y1 = new Float32Array(n), y2 = new Float32Array(n), g1 = new Float32Array(n), g2 = new Float32Array(n);
        N.softmax(x, y1, rows, cols, log);
        ref.softmax(x, y2, rows, cols, log);
        close(`softmax log=${log} ${rows}x${cols}`, y1, y2, 1e-6, 1e-5);
        N.softmaxGrad(y2, gy, g1, rows, cols, log);
        ref.softmaxGrad(y2, gy, g2, rows, cols, log);
        close(`softmaxGrad log=${log} ${rows}x${cols}`, g1, g2, 1e-5 * Math.sqrt(cols), 1e-4);
      }
      const w = randn(rng, cols), b = randn(rng, cols);
      for (const [ww, bb] of [[w, b], [null, null], [w, null]] as const) {
        const out = [0, 1].map(() => ({ y: new Float32Array(n), mean: new Float32Array(rows), rstd: new Float32Array(rows),
          gx: new Float32Array(n), gw: new Float32Array(cols).fill(0.5), gb: new Float32Array(cols).fill(-1) }));
        N.layerNorm(x, ww, bb, out[0].y, out[0].mean, out[0].rstd, rows, cols, 1e-5);
        ref.layerNorm(x, ww, bb, out[1].y, out[1].mean, out[1].rstd, rows, cols, 1e-5);
        close(`layerNorm ${rows}x${cols}`, out[0].y, out[1].y, 1e-4, 1e-4);
        close(`layerNorm rstd ${rows}x${cols}`, out[0].rstd, out[1].rstd, 1e-5, 1e-4);
        N.layerNormGrad(x, ww, out[1].mean, out[1].rstd, gy, out[0].gx, out[0].gw, bb && out[0].gb, rows, cols);
        ref.layerNormGrad(x, ww, out[1].mean, out[1].rstd, gy, out[1].gx, out[1].gw, bb && out[1].gb, rows, cols);
        close(`layerNormGrad gx ${rows}x${cols}`, out[0].gx, out[1].gx, 1e-4, 1e-3);
        close(`layerNormGrad gw ${rows}x${cols}`, out[0].gw, out[1].gw, 1e-4 * Math.sqrt(rows), 1e-4);
        close(`layerNormGrad gb ${rows}x${cols}`, out[0].gb, out[1].gb, 1e-5 * Math.sqrt(rows), 1e-5);
        N.rmsNorm(x, ww, out[0].y, out[0].rstd, rows, cols, 1e-6);
        ref.rmsNorm(x, ww, out[1].y, out[1].rstd, rows, cols, 1e-6);
        close(`rmsNorm ${rows}x${cols}`, out[0].y, out[1].y, 1e-4, 1e-4);
        N.rmsNormGrad(x, ww, out[1].rstd, gy, out[0].gx, out[0].gw, rows, cols);
        ref.rmsNormGrad(x, ww, out[1].rstd, gy, out[1].gx, out[1].gw, rows, cols);
        close(`rmsNormGrad gx ${rows}x${cols}`, out[0].gx, out[1].gx, 1e-4, 1e-3);
        close(`rmsNormGrad gw ${rows}x${cols}`, out[0].gw, out[1].gw, 1e-4 * Math.sqrt(rows), 1e-4);
      }
      const t = randInts(rng, rows, cols);
      if (rows > 1) t[1] = -100;
      const gl = randn(rng, rows);
      for (const s of [0, 0.1]) {
        const l1 = new Float32Array(rows), l2 = new Float32Array(rows), e1 = new Float32Array(rows), e2 = new Float32Array(rows);
        N.crossEntropy(x, t, l1, e1, rows, cols, -100, s);
        ref.crossEntropy(x, t, l2, e2, rows, cols, -100, s);
        close(`crossEntropy s=${s} ${rows}x${cols}`, l1, l2, 1e-5, 1e-5);
        close(`crossEntropy lse ${rows}x${cols}`, e1, e2, 1e-5, 1e-5);
        const g1 = new Float32Array(n), g2 = new Float32Array(n);
        N.crossEntropyGrad(x, t, e2, gl, g1, rows, cols, -100, s);
        ref.crossEntropyGrad(x, t, e2, gl, g2, rows, cols, -100, s);
        close(`crossEntropyGrad s=${s} ${rows}x${cols}`, g1, g2, 1e-6, 1e-5);
      }
    }
  });

  test('native gather / scatter-add / index-select / index-add match the reference', () => {
    const rng = new Rng(25);
    for (const [outer, dim, idim, inner] of [[1, 1, 1, 1], [3, 31, 65, 33], [2, 128, 3, 1], [65, 7, 64, 3]]) {
      const x = randn(rng, outer * dim * inner);
      const idx = randInts(rng, outer * idim * inner, dim);
      const o1 = new Float32Array(outer * idim * inner), o2 = new Float32Array(outer * idim * inner);
      N.gather(x, idx, o1, outer, dim, idim, inner);
      ref.gather(x, idx, o2, outer, dim, idim, inner);
      close('gather', o1, o2, 0, 0);
      const g1 = Float32Array.from(x), g2 = Float32Array.from(x);
      N.scatterAdd(o1, idx, g1, outer, dim, idim, inner);
      ref.scatterAdd(o1, idx, g2, outer, dim, idim, inner);
      close('scatterAdd', g1, g2, 0, 0);
    }
    for (const [vocab, nids, cols] of [[1, 1, 1], [100, 33, 65], [7, 300, 127], [50, 1000, 128]]) {
      const table = randn(rng, vocab * cols);
      const ids = randInts(rng, nids, vocab);
      const o1 = new Float32Array(nids * cols), o2 = new Float32Array(nids * cols);
      N.indexSelect(table, ids, o1, cols);
      ref.indexSelect(table, ids, o2, cols);
      close('indexSelect', o1, o2, 0, 0);
      const t1 = Float32Array.from(table), t2 = Float32Array.from(table);
      N.indexAdd(o1, ids, t1, cols);
      ref.indexAdd(o1, ids, t2, cols);
      close('indexAdd', t1, t2, 0, 0);
    }
    assert.throws(() => N.gather(new Float32Array(4), Int32Array.of(4), new Float32Array(1), 1, 4, 1, 1), /native\.gather: an index is outside/);
    assert.throws(() => N.indexSelect(new Float32Array(4), Int32Array.of(-1), new Float32Array(2), 2), /native\.indexSelect: an id is outside/);
  });

  test('native AdamW matches the reference step by step', () => {
    const rng = new Rng(26);
    for (const n of [1, 33, 70001]) {
      const p1 = randn(rng, n), m1 = new Float32Array(n), v1 = new Float32Array(n);
      const p2 = Float32Array.from(p1), m2 = new Float32Array(n), v2 = new Float32Array(n);
      for (let step = 1; step <= 3; step++) {
        const g = randn(rng, n);
        const h = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step };
        N.adamw(p1, g, m1, v1, h);
        ref.adamw(p2, g, m2, v2, h);
      }
      close(`adamw p n=${n}`, p1, p2, 1e-6, 1e-5);
      close(`adamw v n=${n}`, v1, v2, 1e-8, 1e-5);
    }
  });
}

if (addon !== null && nat !== null) {
  const A = addon;
  const N = nat;
  test('native accumulating kernels give bitwise the same result on 1 and 2 threads', () => {
    const rng = new Rng(27);
    const [rows, cols] = [517, 300];
    const x = randn(rng, rows * cols), gy = randn(rng, rows * cols), w = randn(rng, cols);
    const ids = randInts(rng, rows, 40);
    const run = (threads: number): Float32Array[] => {
      A.setThreads(threads);
      const mean = new Float32Array(rows), rstd = new Float32Array(rows), y = new Float32Array(rows * cols);
      N.layerNorm(x, w, null, y, mean, rstd, rows, cols, 1e-5);
      const gx = new Float32Array(rows * cols), gw = new Float32Array(cols), gb = new Float32Array(cols);
      N.layerNormGrad(x, w, mean, rstd, gy, gx, gw, gb, rows, cols);
      const rgx = new Float32Array(rows * cols), rgw = new Float32Array(cols);
      N.rmsNormGrad(x, w, rstd, gy, rgx, rgw, rows, cols);
      const table = new Float32Array(40 * cols);
      N.indexAdd(gy, ids, table, cols);
      const sums = new Float32Array(rows);
      N.reduce('sum', x, rows, cols, sums);
      return [y, gx, gw, gb, rgx, rgw, table, sums];
    };
    const before = A.info().threads;
    try {
      const one = run(1);
      const two = run(2);
      one.forEach((a, i) => assert.ok(bitwiseEqual(a, two[i]), `output ${i} differs between 1 and 2 threads`));
    } finally {
      A.setThreads(before);
    }
  });
}

if (addon !== null && nat !== null) {
  const N = nat;
  test('native norm backward and softmax give the same bits at every alignment of their arrays', () => {
    // Their passes over the output start vectors at its first 64-byte boundary; the split must not change a value.
    const rng = new Rng(28);
    for (const [rows, cols] of [[37, 300], [9, 64], [5, 13]]) {
      const x = randn(rng, rows * cols), gy = randn(rng, rows * cols), w = randn(rng, cols);
      const mean = new Float32Array(rows), rstd = new Float32Array(rows);
      N.layerNorm(x, w, null, new Float32Array(rows * cols), mean, rstd, rows, cols, 1e-5);
      const run = (shift: number): Float32Array[] => {
        // views of fresh buffers starting `shift` floats past a 64-byte boundary (typed arrays are 16-byte aligned at least)
        const at = (src: Float32Array | number): Float32Array => {
          const len = typeof src === 'number' ? src : src.length;
          const v = new Float32Array(new ArrayBuffer((len + 32) * 4), shift * 4, len);
          if (typeof src !== 'number') v.set(src);
          return v;
        };
        const gx = at(rows * cols), gw = at(cols), gb = at(cols), rgx = at(rows * cols), rgw = at(cols);
        N.layerNormGrad(at(x), at(w), mean, rstd, at(gy), gx, gw, gb, rows, cols);
        N.rmsNormGrad(at(x), at(w), rstd, at(gy), rgx, rgw, rows, cols);
        const sm = at(rows * cols);
        N.softmax(at(x), sm, rows, cols, false);
        return [gx, gw, gb, rgx, rgw, sm].map((a) => Float32Array.from(a));
      };
      const base = run(0);
      for (let shift = 1; shift < 16; shift++) {
        run(shift).forEach((a, i) => assert.ok(bitwiseEqual(a, base[i]), `${rows}x${cols}: output ${i} differs at a shift of ${shift} floats`));
      }
    }
  });
}

if (addon !== null && nat !== null) {
  const A = addon;
  const N = nat;
  test('native softmax over 16 MB and more (streaming stores) gives the bits of the cached path on every ISA', () => {
    // Outputs of at least 16 MB are written with non-temporal stores from a scratch row; smaller
    // calls take the plain path. The same rows, computed in 4 MB pieces, must agree bitwise.
    const rng = new Rng(29);
    const [rows, cols] = [4100, 1030]; // 16.9 MB; 1030 columns leave edges before and after the vectors
    const x = randn(rng, rows * cols);
    const best = A.info().isa;
    try {
      for (const isa of [best, 'avx2+fma', 'scalar']) {
        A.setIsa(isa);
        if (A.info().isa !== isa) continue; // not supported by this CPU
        const whole = new Float32Array(rows * cols);
        N.softmax(x, whole, rows, cols, false);
        const piece = 1000;
        for (let r = 0; r < rows; r += piece) {
          const n = Math.min(piece, rows - r);
          const part = new Float32Array(n * cols);
          N.softmax(x.subarray(r * cols, (r + n) * cols), part, n, cols, false);
          assert.ok(bitwiseEqual(part, whole.subarray(r * cols, (r + n) * cols)), `${isa}: rows ${r}..${r + n} differ`);
        }
        const want = new Float32Array(3 * cols);
        ref.softmax(x.subarray(0, 3 * cols), want, 3, cols, false);
        close(`${isa}: softmax vs reference`, whole.subarray(0, 3 * cols), want, 1e-6, 1e-5);
      }
    } finally {
      A.setIsa(best);
    }
  });
}

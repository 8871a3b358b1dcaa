import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';
import type { AttentionOptions } from '../../src/index.ts';

const EPS32 = 2 ** -23;

function maxAbsDiff(a: T.Tensor, b: T.Tensor): number {
  const x = a.toFlatArray();
  const y = b.toFlatArray();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}
const maxAbs = (a: T.Tensor) => Math.max(...a.toFlatArray().map(Math.abs));

interface Case { name: string; b: number; hq: number; hkv: number; nq: number; nk: number; d: number; opts: AttentionOptions; bias?: boolean; impl?: 'fused' | 'flash1' }
const cases: Case[] = [
  { name: 'base', b: 1, hq: 2, hkv: 2, nq: 33, nk: 33, d: 16, opts: {} },
  { name: 'causal', b: 1, hq: 2, hkv: 2, nq: 65, nk: 65, d: 8, opts: { causal: true } },
  { name: 'causal nq<nk (bottom-right)', b: 1, hq: 2, hkv: 2, nq: 7, nk: 70, d: 8, opts: { causal: true } },
  { name: 'single query', b: 1, hq: 1, hkv: 1, nq: 1, nk: 17, d: 32, opts: {} },
  { name: 'gqa 4/2', b: 1, hq: 4, hkv: 2, nq: 20, nk: 20, d: 8, opts: { causal: true } },
  { name: 'key padding', b: 3, hq: 2, hkv: 2, nq: 9, nk: 9, d: 8, opts: { keyLengths: [9, 4, 0] } },
  { name: 'dropout', b: 1, hq: 2, hkv: 1, nq: 12, nk: 12, d: 8, opts: { dropout: 0.25, seed: 7, causal: true } },
  { name: 'bias (gradient)', b: 2, hq: 2, hkv: 1, nq: 9, nk: 140, d: 19, opts: { causal: true }, bias: true },
  { name: 'window', b: 1, hq: 2, hkv: 2, nq: 150, nk: 150, d: 16, opts: { window: [20, 3] } },
  { name: 'softcap', b: 1, hq: 2, hkv: 2, nq: 30, nk: 30, d: 16, opts: { softcap: 1.5 } },
  { name: 'ALiBi', b: 1, hq: 2, hkv: 2, nq: 30, nk: 40, d: 16, opts: { alibiSlopes: [0.5, 0.25], causal: true } },
  { name: 'FA1 order', b: 1, hq: 2, hkv: 1, nq: 70, nk: 70, d: 8, opts: { keyLengths: [50] }, impl: 'flash1' },
  { name: 'd=59, N=257, padding + dropout', b: 2, hq: 4, hkv: 2, nq: 257, nk: 257, d: 59, opts: { causal: true, keyLengths: [257, 1], dropout: 0.1, seed: 3 } },
];

function inputs(c: Case, dtype: 'f32' | 'f64', seed: number) {
  // f32 inputs are the f64 draws rounded, so every path sees the same numbers.
  const rng = new T.Rng(seed);
  const mk = (shape: number[]) => T.randn(shape, { rng, dtype: 'f64' }).cast('f32').cast(dtype).detach().setRequiresGrad();
  const q = mk([c.b, c.hq, c.nq, c.d]);
  const k = mk([c.b, c.hkv, c.nk, c.d]);
  const v = mk([c.b, c.hkv, c.nk, c.d]);
  const bias = c.bias ? mk([c.b, 1, c.nq, c.nk]) : undefined;
  return { q, k, v, bias, go: T.randn([c.b, c.hq, c.nq, c.d], { rng, dtype: 'f64' }).cast('f32').cast(dtype) };
}

for (const c of cases) {
  test(`attention ${c.name}: fused error ≤ 2·naive error + 4·ε·max|ref| (forward and gradients)`, () => {
    const run = (dtype: 'f32' | 'f64', impl: 'fused' | 'flash1' | 'naive') => {
      const { q, k, v, bias, go } = inputs(c, dtype, 11);
      const o = T.attention(q, k, v, { ...c.opts, bias, impl });
      o.backward(go);
      return [o, q.grad!, k.grad!, v.grad!, ...(bias ? [bias.grad!] : [])].map((t) => t.detach().cast('f64'));
    };
    const ref = run('f64', 'naive');
    const naive = run('f32', 'naive');
    const fused = run('f32', c.impl ?? 'fused');
    ['out', 'dq', 'dk', 'dv', 'dbias'].slice(0, ref.length).forEach((name, i) => {
      const errN = maxAbsDiff(naive[i], ref[i]);
      const errF = maxAbsDiff(fused[i], ref[i]);
      const bound = 2 * errN + 4 * EPS32 * maxAbs(ref[i]);
      assert.ok(errF <= bound, `${name}: fused error ${errF} > bound ${bound} (naive ${errN})`);
      assert.ok(fused[i].toFlatArray().every(Number.isFinite), `${name} has a non-finite value`);
    });
  });
}

test('attention: a fully masked row gives 0 output and zero gradients, no NaN', () => {
  const c = cases[5];
  const { q, k, v, go } = inputs(c, 'f32', 3);
  const o = T.attention(q, k, v, c.opts);
  o.backward(go);
  const row2 = o.slice(0, 2, 3).toFlatArray();
  assert.ok(row2.every((x) => x === 0));
  assert.ok(q.grad!.slice(0, 2, 3).toFlatArray().every((x) => x === 0));
});

test('attention: fused f64 gradients match central finite differences', () => {
  const c: Case = { name: 'fd', b: 1, hq: 2, hkv: 1, nq: 5, nk: 6, d: 4, opts: { causal: true, keyLengths: [5] } };
  const { q, k, v, go } = inputs(c, 'f64', 5);
  const f = () => T.noGrad(() => T.attention(q, k, v, c.opts).mul(go).sum().item());
  const o = T.attention(q, k, v, c.opts);
  o.backward(go);
  const h = 1e-6;
  for (const t of [q, k, v]) {
    const g = t.grad!.toFlatArray();
    for (let i = 0; i < t.numel; i += 3) {
      const x0 = t.data[i];
      t.data[i] = x0 + h; const fp = f();
      t.data[i] = x0 - h; const fm = f();
      t.data[i] = x0;
      const fd = (fp - fm) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) <= 1e-6 * Math.max(1, Math.abs(fd)), `grad ${i}: ${g[i]} vs fd ${fd}`);
    }
  }
});

test('attention: a query row is bitwise the same alone, in a verification block and in the full prefill', () => {
  const rng = new T.Rng(9);
  const n = 70;
  const q = T.randn([1, 4, n, 16], { rng });
  const k = T.randn([1, 2, n, 16], { rng });
  const v = T.randn([1, 2, n, 16], { rng });
  const full = T.attention(q, k, v, { causal: true });
  for (const nq of [1, 5, 9]) {
    const part = T.attention(q.slice(2, n - nq), k, v, { causal: true });
    assert.deepEqual(part.toFlatArray(), full.slice(2, n - nq).toFlatArray(), `nq=${nq}`);
  }
});

test('attention: layouts agree and bad shapes are named', () => {
  const rng = new T.Rng(1);
  const q = T.randn([2, 3, 4, 8], { rng });
  const bnhd = T.attention(q.permute(0, 2, 1, 3).contiguous(), q.permute(0, 2, 1, 3).contiguous(), q.permute(0, 2, 1, 3).contiguous(), { layout: 'bnhd' });
  assert.deepEqual(bnhd.permute(0, 2, 1, 3).contiguous().toFlatArray(), T.attention(q, q, q).toFlatArray());
  assert.throws(() => T.attention(q, T.randn([2, 2, 4, 8]), T.randn([2, 2, 4, 8])), /attention: query heads \(3\) must be a multiple of key\/value heads \(2\)/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/index.ts';
import { flashClosed, flashIo, logSlope, matmulFlops, standardClosed, standardIo, verifyIoModel } from '../../src/reproduce/flash-attention/io-model.ts';
import { causalTiles, fullTiles, tilesClosed } from '../../src/reproduce/flash-attention/skip.ts';
import { runExactness } from '../../src/reproduce/flash-attention/exactness.ts';
import { runInvariance } from '../../src/reproduce/flash-attention/invariance.ts';
import { measureExtra } from '../../src/reproduce/flash-attention/memory.ts';

test('F-4: counted traffic equals the closed forms and the FA1 loop computes attention', () => {
  for (const [n, d, m] of [[512, 64, 2 ** 14], [1000, 32, 3000], [257, 80, 2 ** 11]]) {
    assert.equal(flashIo(n, d, m).total, flashClosed(n, d, m));
    assert.equal(standardIo(n, d).total, standardClosed(n, d));
  }
  const ms = [2 ** 11, 2 ** 12, 2 ** 13, 2 ** 14, 2 ** 15];
  const slope = logSlope(ms, ms.map((m) => flashIo(1024, 64, m).total));
  assert.ok(Math.abs(slope + 0.96) < 0.01, `slope in M ${slope}`);
  assert.ok(verifyIoModel(40, 8, 256) < 1e-12);
});

test('F-5/F-6: tile formula reduces to T(T+1)/2 for square tiles; recompute costs 7/6 of the matmul FLOPs', () => {
  for (const t of [1, 4, 9]) assert.equal(tilesClosed(64 * t, 64 * t, 64, 64), (t * (t + 1)) / 2);
  assert.equal(causalTiles(1000, 700, 32, 128).length, tilesClosed(1000, 700, 32, 128));
  const f = matmulFlops(300, 300, 64, fullTiles(300, 300, 32, 128));
  assert.equal(f.fused * 6, f.standard * 7);
});

test('F-1/F-2 rule on a small case with every factor on', () => {
  const rows = runExactness({ name: 'mini', b: 3, hq: 4, hkv: 2, nq: 70, nk: 70, d: 19, bias: true,
    opts: { causal: true, keyLengths: [70, 30, 1], dropout: 0.1, seed: 3 } });
  assert.equal(rows.length, 5);
  for (const r of rows) assert.ok(r.pass, `${r.tensor}: ratio ${r.ratio}`);
});

test('F-9: rows are bitwise equal across decode, blocks, prefill, batch and thread count', () => {
  const r = runInvariance();
  assert.equal(r.variants, 12);
  assert.equal(r.mismatches, 0, r.detail.join('; '));
});

test('F-3: fused extra memory stays flat while naive grows as N²', () => {
  const f1 = measureExtra(256, 'fused', true);
  const f2 = measureExtra(1024, 'fused', true);
  const n1 = measureExtra(256, 'naive', false);
  const n2 = measureExtra(1024, 'naive', false);
  assert.ok(f2 / f1 < 4.5, `fused ${f1} -> ${f2}`);
  assert.ok(n2 / n1 > 14, `naive ${n1} -> ${n2}`);
  assert.ok(n2 >= 1024 * 1024 * 4);
});

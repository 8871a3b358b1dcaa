import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';
import { loadNativeAddon, nativeUnavailableReason } from '../../src/backends/native/index.ts';

const close = (a: number[], b: number[], tol: number) => a.every((x, i) => Math.abs(x - b[i]) <= tol * Math.max(1, Math.abs(b[i])));

test('attentionWithLse: LSE equals logsumexp of the masked scores (fused and naive), −∞ on fully masked rows', () => {
  const rng = new T.Rng(4);
  const q = T.randn([2, 2, 6, 8], { rng, dtype: 'f64' });
  const k = T.randn([2, 2, 9, 8], { rng, dtype: 'f64' });
  const opts = { causal: true, keyLengths: [9, 0] };
  const fused = T.attentionWithLse(q, k, k, opts).lse.toFlatArray();
  const naive = T.attentionWithLse(q, k, k, { ...opts, impl: 'naive' }).lse.toFlatArray();
  // Oracle: direct loops over the visible keys j <= i + (nk - nq), j < len.
  const expect: number[] = [];
  for (let b = 0; b < 2; b++) for (let h = 0; h < 2; h++) for (let i = 0; i < 6; i++) {
    const s: number[] = [];
    for (let j = 0; j < Math.min(opts.keyLengths[b], i + 3 + 1); j++) {
      let dot = 0;
      for (let c = 0; c < 8; c++) dot += q.data[((b * 2 + h) * 6 + i) * 8 + c] * k.data[((b * 2 + h) * 9 + j) * 8 + c];
      s.push(dot / Math.sqrt(8));
    }
    const m = Math.max(...s);
    expect.push(s.length ? m + Math.log(s.reduce((a, x) => a + Math.exp(x - m), 0)) : -Infinity);
  }
  for (const got of [fused, naive]) {
    got.forEach((x, i) => assert.ok(x === expect[i] || Math.abs(x - expect[i]) < 1e-12, `lse ${i}: ${x} vs ${expect[i]}`));
  }
});

test('mergeAttention: two key halves merge to the full attention (split-KV)', () => {
  const rng = new T.Rng(8);
  const q = T.randn([1, 2, 5, 16], { rng, dtype: 'f64' });
  const k = T.randn([1, 2, 40, 16], { rng, dtype: 'f64' });
  const v = T.randn([1, 2, 40, 16], { rng, dtype: 'f64' });
  const full = T.attentionWithLse(q, k, v);
  const a = T.attentionWithLse(q, k.slice(2, 0, 17).contiguous(), v.slice(2, 0, 17).contiguous());
  const b = T.attentionWithLse(q, k.slice(2, 17).contiguous(), v.slice(2, 17).contiguous());
  const m = T.mergeAttention(a, b);
  assert.ok(close(m.out.toFlatArray(), full.out.toFlatArray(), 1e-12));
  assert.ok(close(m.lse.toFlatArray(), full.lse.toFlatArray(), 1e-12));
  assert.throws(() => T.mergeAttention(a, { out: a.out, lse: T.zeros([1, 2, 4], { dtype: 'f64' }) }), /mergeAttention: out/);
});

test('attention: window [0, 0] attends to exactly the diagonal key, so O = V row i', () => {
  const rng = new T.Rng(2);
  const q = T.randn([1, 1, 7, 8], { rng });
  const v = T.randn([1, 1, 7, 8], { rng });
  const o = T.attention(q, T.randn([1, 1, 7, 8], { rng }), v, { window: [0, 0] });
  assert.deepEqual(o.toFlatArray(), v.toFlatArray());
});

test('attention: bad options are named', () => {
  const q = T.randn([1, 2, 4, 8]);
  assert.throws(() => T.attention(q, q, q, { window: [1.5, 0] }), /attention: window must be two integers/);
  assert.throws(() => T.attention(q, q, q, { alibiSlopes: [1] }), /attention: alibiSlopes has 1 entries, expected one per query head \(2\)/);
  assert.throws(() => T.attention(q, q, q, { bias: T.randn([3, 4, 4]) }), /attention: bias \[3, 4, 4\] must broadcast/);
  assert.throws(() => T.attention(q, q, q, { dropout: 1 }), /attention: dropout must be in \[0, 1\)/);
});

test('native attention: forward matches the reference kernel to f32 rounding, and the causal tiles it runs match the closed form', (t) => {
  const addon = loadNativeAddon();
  if (!addon) {
    t.diagnostic('native addon unavailable: the reference kernel served every case above');
    assert.ok(nativeUnavailableReason().length > 0, 'an unavailable addon must say why');
    return;
  }
  const rng = new T.Rng(6);
  const q = T.randn([1, 3, 300, 64], { rng });
  const k = T.randn([1, 3, 300, 64], { rng });
  addon.attentionTiles();
  const got = T.noGrad(() => T.attention(q, k, k, { causal: true }));
  const tiles = addon.attentionTiles();
  // 3 heads × Σ_r min(T_c, ⌊e_r/128⌋ + 1) over 10 row blocks of 32 (e_r = min(32(r+1), 300) − 1).
  let perHead = 0;
  for (let r = 0; r < 10; r++) perHead += Math.min(3, Math.floor((Math.min(32 * (r + 1), 300) - 1) / 128) + 1);
  assert.equal(tiles, 3 * perHead);
  const ref = T.noGrad(() => T.attention(q.cast('f64'), k.cast('f64'), k.cast('f64'), { causal: true }));
  const a = got.toFlatArray();
  const b = ref.toFlatArray();
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  assert.ok(err < 2e-6, `max error ${err}`);
});

test('attentionPacked: the same output and, bitwise, the same gradients as attention on the three slices', () => {
  const rng = new T.Rng(12);
  for (const dtype of ['f32', 'f64'] as const) {
    for (const extra of [{}, { bias: T.randn([1, 3, 7, 7], { rng, dtype, requiresGrad: true }) }, { impl: 'naive' as const }]) {
      // (B, T, 3, H, D) as a fused projection gives it, permuted to (3, B, H, T, D)
      const base = T.randn([2, 7, 3, 3, 8], { rng, dtype });
      const gy = T.randn([2, 3, 7, 8], { rng, dtype });
      const run = (packed: boolean) => {
        const x = base.clone().setRequiresGrad();
        const qkv = x.permute(2, 0, 3, 1, 4);
        const opts = { causal: true, ...extra };
        const out = packed ? T.attentionPacked(qkv, opts) : T.attention(...([0, 1, 2].map((i) => qkv.slice(0, i, i + 1).squeeze(0)) as [T.Tensor, T.Tensor, T.Tensor]), opts);
        const b = 'bias' in extra ? extra.bias : null;
        if (b) b.grad = null;
        out.mul(gy).sum().backward();
        return [out.toFlatArray(), x.grad!.toFlatArray(), b ? b.grad!.toFlatArray() : []];
      };
      const [a, b] = [run(true), run(false)];
      a.forEach((v, i) => assert.deepEqual(v, b[i], `${dtype} ${JSON.stringify(Object.keys(extra))}: output ${i}`));
    }
  }
  assert.throws(() => T.attentionPacked(T.randn([2, 1, 1, 4, 8])), /packed q, k, v must be \(3, batch, heads, n, d\), got \[2, 1, 1, 4, 8\]/);
});

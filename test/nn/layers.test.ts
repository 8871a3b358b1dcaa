// Layers against plain-loop oracles: Linear (and that x·Wᵀ copies no weight), norms, MLPs,
// RoPE, and causal attention with grouped-query heads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, measureAlloc, randn, tensor } from '../../src/index.ts';
import { CausalSelfAttention, LayerNorm, Linear, MLP, RMSNorm, Rope, SwiGLU, init } from '../../src/nn/index.ts';
import { Rng } from '../../src/util/rng.ts';

const close = (a: number[], b: number[], tol = 1e-5): void => {
  assert.equal(a.length, b.length);
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * scale, `element ${i}: ${v} vs ${b[i]}`));
};

/** y = x·Wᵀ + b on plain arrays: x (n, in), W (out, in). */
function linearRef(x: number[], n: number, w: number[], outF: number, inF: number, b?: number[]): number[] {
  const y: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
      y.push(s);
    }
  }
  return y;
}

test('Linear: x·Wᵀ + b over leading axes, with only the output allocated (no weight copy)', () => {
  const lin = new Linear(5, 3, { rng: new Rng(1) });
  const x = randn([2, 4, 5], { rng: new Rng(2) });
  const y = lin.forward(x);
  assert.deepEqual(y.shape, [2, 4, 3]);
  close(y.toFlatArray(), linearRef(x.toFlatArray(), 8, lin.weight.toFlatArray(), 3, 5, lin.bias!.toFlatArray()));
  const noBias = new Linear(5, 3, { bias: false, rng: new Rng(1) });
  const { count, bytes } = measureAlloc(() => noBias.forward(x));
  assert.deepEqual({ count, bytes }, { count: 1, bytes: 2 * 4 * 3 * 4 });
});

test('LayerNorm and RMSNorm match their formulas', () => {
  const x = randn([3, 6], { rng: new Rng(3) });
  const ln = new LayerNorm(6, { eps: 1e-5 });
  init.normal(ln.weight, 1, 1, new Rng(4));
  init.normal(ln.bias!, 1, 0, new Rng(5));
  const rms = new RMSNorm(6, { eps: 1e-6 });
  init.normal(rms.weight, 1, 1, new Rng(6));
  const xs = x.toFlatArray();
  const w = ln.weight.toFlatArray(); const b = ln.bias!.toFlatArray(); const g = rms.weight.toFlatArray();
  const wantLn: number[] = []; const wantRms: number[] = [];
  for (let r = 0; r < 3; r++) {
    const row = xs.slice(r * 6, r * 6 + 6);
    const mu = row.reduce((s, v) => s + v, 0) / 6;
    const vr = row.reduce((s, v) => s + (v - mu) ** 2, 0) / 6;
    const ms = row.reduce((s, v) => s + v * v, 0) / 6;
    row.forEach((v, j) => {
      wantLn.push(((v - mu) / Math.sqrt(vr + 1e-5)) * w[j] + b[j]);
      wantRms.push((v / Math.sqrt(ms + 1e-6)) * g[j]);
    });
  }
  close(ln.forward(x).toFlatArray(), wantLn);
  close(rms.forward(x).toFlatArray(), wantRms);
});

test('MLP (GELU tanh) and SwiGLU match their formulas', () => {
  const x = randn([2, 4], { rng: new Rng(7) });
  const xs = x.toFlatArray();
  const mlp = new MLP(4, 8, { activation: 'geluTanh', rng: new Rng(8) });
  const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  const h = linearRef(xs, 2, mlp.fc.weight.toFlatArray(), 8, 4, mlp.fc.bias!.toFlatArray()).map(gelu);
  close(mlp.forward(x).toFlatArray(), linearRef(h, 2, mlp.proj.weight.toFlatArray(), 4, 8, mlp.proj.bias!.toFlatArray()));
  const sw = new SwiGLU(4, 6, { rng: new Rng(9) });
  const silu = (v: number) => v / (1 + Math.exp(-v));
  const gate = linearRef(xs, 2, sw.gate.weight.toFlatArray(), 6, 4).map(silu);
  const up = linearRef(xs, 2, sw.up.weight.toFlatArray(), 6, 4);
  close(sw.forward(x).toFlatArray(), linearRef(gate.map((v, i) => v * up[i]), 2, sw.down.weight.toFlatArray(), 4, 6));
});

test('Rope rotates each (i, i + D/2) pair by position · theta^(-2i/D)', () => {
  const D = 6;
  const rope = new Rope(D, 100);
  const x = randn([1, 1, 5, D], { rng: new Rng(10) });
  const xs = x.toFlatArray();
  const want: number[] = [];
  const start = 3;
  for (let t = 0; t < 5; t++) {
    const row = xs.slice(t * D, t * D + D);
    const out = new Array<number>(D);
    for (let i = 0; i < D / 2; i++) {
      const a = (start + t) * 100 ** (-(2 * i) / D);
      out[i] = row[i] * Math.cos(a) - row[i + D / 2] * Math.sin(a);
      out[i + D / 2] = row[i + D / 2] * Math.cos(a) + row[i] * Math.sin(a);
    }
    want.push(...out);
  }
  close(rope.apply(x, start).toFlatArray(), want);
});

/** Naive causal attention: per batch, head and query, softmax over earlier keys, GQA by h / rep. */
function attentionRef(att: CausalSelfAttention, x: Tensor): number[] {
  const [B, T, C] = x.shape;
  const { nHeads: H, nKvHeads: KV, headDim: D } = att;
  const xs = x.toFlatArray();
  const q = linearRef(xs, B * T, att.qProj!.weight.toFlatArray(), H * D, C);
  const k = linearRef(xs, B * T, att.kProj!.weight.toFlatArray(), KV * D, C);
  const v = linearRef(xs, B * T, att.vProj!.weight.toFlatArray(), KV * D, C);
  const rot = (buf: number[], heads: number) => {
    for (let r = 0; r < B * T; r++) {
      const t = r % T;
      for (let h = 0; h < heads; h++) {
        const o = r * heads * D + h * D;
        for (let i = 0; i < D / 2; i++) {
          const a = t * 10000 ** (-(2 * i) / D);
          const x1 = buf[o + i]; const x2 = buf[o + i + D / 2];
          buf[o + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
          buf[o + i + D / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
        }
      }
    }
  };
  rot(q, H);
  rot(k, KV);
  const y = new Array<number>(B * T * H * D).fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kh = Math.floor(h / (H / KV));
      for (let i = 0; i < T; i++) {
        const s: number[] = [];
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[(b * T + i) * H * D + h * D + d] * k[(b * T + j) * KV * D + kh * D + d];
          s.push(dot / Math.sqrt(D));
        }
        const m = Math.max(...s);
        const e = s.map((z) => Math.exp(z - m));
        const z = e.reduce((a, c) => a + c, 0);
        for (let j = 0; j <= i; j++) {
          for (let d = 0; d < D; d++) y[(b * T + i) * H * D + h * D + d] += (e[j] / z) * v[(b * T + j) * KV * D + kh * D + d];
        }
      }
    }
  }
  return linearRef(y, B * T, att.outProj.weight.toFlatArray(), C, H * D);
}

test('CausalSelfAttention with GQA and RoPE matches naive per-head attention', () => {
  const att = new CausalSelfAttention({ dim: 16, nHeads: 4, nKvHeads: 2, ropeTheta: 10000, rng: new Rng(11) });
  const x = randn([2, 5, 16], { rng: new Rng(12) });
  close(att.forward(x).toFlatArray(), attentionRef(att, x));
});

test('fused qkv attention equals separate projections holding the same weights', () => {
  const sep = new CausalSelfAttention({ dim: 8, nHeads: 2, bias: true, rng: new Rng(13) });
  const fused = new CausalSelfAttention({ dim: 8, nHeads: 2, bias: true, fusedQkv: true, rng: new Rng(14) });
  const cat = (ps: Tensor[]) => tensor(ps.flatMap((p) => p.toFlatArray()), [ps.reduce((s, p) => s + p.shape[0], 0), ...ps[0].shape.slice(1)]);
  fused.loadStateDict({
    'qkvProj.weight': cat([sep.qProj!.weight, sep.kProj!.weight, sep.vProj!.weight]),
    'qkvProj.bias': cat([sep.qProj!.bias!, sep.kProj!.bias!, sep.vProj!.bias!]),
    'outProj.weight': sep.outProj.weight, 'outProj.bias': sep.outProj.bias!,
  });
  const x = randn([1, 6, 8], { rng: new Rng(15) });
  close(fused.forward(x).toFlatArray(), sep.forward(x).toFlatArray(), 1e-6);
});

test('init: xavier/kaiming bounds and normal statistics', () => {
  const w = Tensor.empty([200, 300]);
  const xs = init.xavierUniform(w, 1, new Rng(16)).toFlatArray();
  const bx = Math.sqrt(6 / 500);
  assert.ok(Math.max(...xs.map(Math.abs)) <= bx && Math.max(...xs.map(Math.abs)) > 0.99 * bx);
  const ks = init.kaimingUniform(w, Math.sqrt(5), new Rng(17)).toFlatArray();
  const bk = 1 / Math.sqrt(300); // PyTorch's Linear default: gain √(2/6)·√3/√fan_in
  assert.ok(Math.max(...ks.map(Math.abs)) <= bk * (1 + 1e-6) && Math.max(...ks.map(Math.abs)) > 0.99 * bk);
  const ns = init.normal(w, 0.5, 2, new Rng(18)).toFlatArray();
  const mean = ns.reduce((s, v) => s + v, 0) / ns.length;
  const sd = Math.sqrt(ns.reduce((s, v) => s + (v - mean) ** 2, 0) / ns.length);
  assert.ok(Math.abs(mean - 2) < 0.01 && Math.abs(sd - 0.5) < 0.01, `mean ${mean}, std ${sd}`);
  assert.equal(init.scaledResidualStd(0.02, 8), 0.02 / 4);
  assert.throws(() => init.xavierUniform(Tensor.empty([3])), /init\.fans: needs a tensor with at least 2 dimensions/);
});

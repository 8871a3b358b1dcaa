// F-1 and F-2: forward and backward error of the fused f32 kernel against the composed float64
// path, next to the composed float32 path's error, one factor varied at a time around the base
// case of spec §4; plus the float64 reference against finite differences.
import * as T from '../../tensor/index.ts';
import type { AttentionOptions } from '../../tensor/index.ts';
import { Rng } from '../../util/rng.ts';

export const EPS32 = 2 ** -23;

export interface ExactCase { name: string; b: number; hq: number; hkv: number; nq: number; nk: number; d: number; bias?: boolean; opts: AttentionOptions; impl?: 'fused' | 'flash1' }

const BASE: ExactCase = { name: 'base', b: 1, hq: 4, hkv: 4, nq: 257, nk: 257, d: 64, opts: {} };

/** The base case, each one-factor variation and the two corner cases (spec §4). */
export function exactCases(quick: boolean): ExactCase[] {
  const v = (name: string, over: Partial<ExactCase>): ExactCase => ({ ...BASE, name, ...over, opts: { ...BASE.opts, ...over.opts } });
  const ns = quick ? [1, 17, 64, 65, 97, 1024] : [1, 17, 64, 65, 97, 1024, 1025, 4096];
  const out: ExactCase[] = [BASE];
  for (const n of ns) out.push(v(`N=${n}`, { nq: n, nk: n }));
  for (const d of [32, 59, 80, 128]) out.push(v(`d=${d}`, { d }));
  out.push(v('causal', { opts: { causal: true } }));
  for (const nq of [1, 7]) for (const causal of [false, true]) out.push(v(`Nq=${nq}${causal ? ' causal' : ''}`, { nq, opts: { causal } }));
  out.push(v('bias', { bias: true }));
  out.push(v('GQA 8/2', { hq: 8, hkv: 2 }));
  out.push(v('key padding', { b: 3, opts: { keyLengths: [257, 128, 1] } }));
  out.push(v('dropout 0.1', { opts: { dropout: 0.1, seed: 7 } }));
  out.push(v('FA1 order', { impl: 'flash1' }));
  if (!quick) out.push(v('N=4096 d=128 causal', { nq: 4096, nk: 4096, d: 128, opts: { causal: true } }));
  out.push(v('corner: N=1025 d=59 all on', { b: 3, hq: 8, hkv: 2, nq: 1025, nk: 1025, d: 59, bias: true,
    opts: { causal: true, keyLengths: [1025, 512, 1], dropout: 0.1, seed: 3 } }));
  return out;
}

export interface ExactRow { name: string; tensor: string; errFused: number; errNaive: number; bound: number; ratio: number; lseErr: number; pass: boolean }

const maxAbs = (x: ArrayLike<number>) => { let m = 0; for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i])); return m; };
function maxDiff(a: T.Tensor, b: T.Tensor): number {
  const x = a.toFlatArray();
  const y = b.toFlatArray();
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue; // equal infinities (masked LSE) count as exact
    m = Math.max(m, Math.abs(x[i] - y[i]));
  }
  return m;
}

function runCase(c: ExactCase, dtype: 'f32' | 'f64', impl: 'naive' | 'fused' | 'flash1') {
  // f32 inputs are the f64 inputs rounded, so all three paths see the same numbers.
  const rng = new Rng(11);
  const mk = (shape: number[]) => T.randn(shape, { rng, dtype: 'f64' }).cast('f32').cast(dtype).detach().setRequiresGrad();
  const q = mk([c.b, c.hq, c.nq, c.d]);
  const k = mk([c.b, c.hkv, c.nk, c.d]);
  const v = mk([c.b, c.hkv, c.nk, c.d]);
  const bias = c.bias ? mk([1, c.hq, c.nq, c.nk]) : undefined;
  const go = T.randn([c.b, c.hq, c.nq, c.d], { rng, dtype: 'f64' }).cast('f32').cast(dtype);
  const { out, lse } = T.attentionWithLse(q, k, v, { ...c.opts, bias, impl });
  out.backward(go);
  const named: [string, T.Tensor][] = [['O', out], ['dQ', q.grad!], ['dK', k.grad!], ['dV', v.grad!]];
  if (bias) named.push(['dBias', bias.grad!]);
  return { tensors: named.map(([n, t]) => [n, t.detach().cast('f64')] as const), lse: lse.detach().cast('f64') };
}

export function runExactness(c: ExactCase): ExactRow[] {
  // The round to f32 happens once from the same f64 draw, so all paths get identical inputs.
  const ref = runCase(c, 'f64', 'naive');
  const naive = runCase(c, 'f32', 'naive');
  const fused = runCase(c, 'f32', c.impl ?? 'fused');
  const lseErr = maxDiff(fused.lse, ref.lse);
  const lseMaskOk = fused.lse.toFlatArray().every((x, i) => (x === -Infinity) === (ref.lse.toFlatArray()[i] === -Infinity));
  return ref.tensors.map(([name, r], i) => {
    const errFused = maxDiff(fused.tensors[i][1], r);
    const errNaive = maxDiff(naive.tensors[i][1], r);
    const bound = 2 * errNaive + 4 * EPS32 * maxAbs(r.toFlatArray());
    const finite = fused.tensors[i][1].toFlatArray().every(Number.isFinite);
    const pass = errFused <= bound && finite && (name !== 'O' || (lseErr <= 1e-5 && lseMaskOk));
    return { name: c.name, tensor: name, errFused, errNaive, bound, ratio: bound > 0 ? errFused / bound : 0, lseErr, pass };
  });
}

/** ‖G_ref64 − G_fd‖∞ / ‖G_fd‖∞ for the composed float64 gradients at a small size (causal, bias, GQA, padding). */
export function finiteDifferenceCheck(): number {
  const rng = new Rng(5);
  const mk = (s: number[]) => T.randn(s, { rng, dtype: 'f64', requiresGrad: true });
  const q = mk([2, 4, 9, 8]);
  const k = mk([2, 2, 12, 8]);
  const v = mk([2, 2, 12, 8]);
  const bias = mk([1, 4, 9, 12]);
  const go = T.randn([2, 4, 9, 8], { rng, dtype: 'f64' });
  const opts: AttentionOptions = { causal: true, keyLengths: [12, 7], impl: 'naive', bias };
  const f = () => T.noGrad(() => T.attention(q, k, v, opts).mul(go).sum().item());
  T.attention(q, k, v, opts).backward(go);
  let num = 0;
  let den = 0;
  const h = 1e-6;
  for (const t of [q, k, v, bias]) {
    const g = t.grad!.toFlatArray();
    for (let i = 0; i < t.numel; i++) {
      const x0 = t.data[i];
      t.data[i] = x0 + h; const fp = f();
      t.data[i] = x0 - h; const fm = f();
      t.data[i] = x0;
      const fd = (fp - fm) / (2 * h);
      num = Math.max(num, Math.abs(g[i] - fd));
      den = Math.max(den, Math.abs(fd));
    }
  }
  return num / den;
}

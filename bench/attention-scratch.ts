import * as T from '../src/index.ts';
console.log('start');
const n = Number(process.argv[2] ?? 1024);
const rng = new T.Rng(1);
const mk = (s: number[]) => T.randn(s, { rng, requiresGrad: true });
const q = mk([1, 4, n, 64]), k = mk([1, 4, n, 64]), v = mk([1, 4, n, 64]);
const g = T.randn([1, 4, n, 64], { rng });
for (const impl of ['fused', 'naive'] as const) {
  let t0 = performance.now();
  const o = T.attention(q, k, v, { causal: true, impl });
  console.log(impl, 'fwd', (performance.now() - t0).toFixed(0));
  t0 = performance.now();
  o.backward(g);
  console.log(impl, 'bwd', (performance.now() - t0).toFixed(0));
}

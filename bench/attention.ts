// Fused attention vs the naive composed path, side by side in one run: forward + backward time,
// the speed ratio, and achieved GFLOP/s with the standard convention (forward 4·N²·d per head,
// half with causal, backward 2.5× forward). `npm run bench:attention [-- --threads 1]`.
import { parseArgs } from 'node:util';
import '../src/index.ts';
import { setNativeThreads, nativeInfo } from '../src/backends/native/index.ts';
import { timeAttention } from '../src/reproduce/flash-attention/speed.ts';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, reps: { type: 'string', default: '5' }, max: { type: 'string', default: '4096' } } });
setNativeThreads(Number(values.threads));
console.log('native:', JSON.stringify(nativeInfo()));
console.log('N      causal  fused ms  naive ms  ratio  fused GFLOP/s');
for (let n = 256; n <= Number(values.max); n *= 2) {
  for (const causal of [true, false]) {
    const reps = Number(values.reps);
    const f = timeAttention(n, 'fused', causal, reps);
    const nv = n <= 4096 ? timeAttention(n, 'naive', causal, reps) : NaN;
    const flops = 4 * 4 * n * n * 64 * (causal ? 0.5 : 1) * 3.5; // 4 heads, fwd + bwd
    console.log(`${String(n).padEnd(6)} ${String(causal).padEnd(7)} ${f.toFixed(1).padStart(8)}  ${nv.toFixed(1).padStart(8)}  ${(nv / f).toFixed(2).padStart(5)}  ${(flops / f / 1e6).toFixed(1).padStart(8)}`);
  }
}

// `npm run bench:train`: training tokens/s (forward, backward, AdamW) of the GPT of the training
// anchor (d=256, 6 layers, 8 heads, T=256, vocabulary 8192, batch 8: 6.9M parameters) in Tessera
// next to PyTorch (Debian python3-torch, OPENBLAS_CORETYPE=SkylakeX, best of 1 and 2 threads) on the
// same model in the same run; plus Tessera's model-FLOPs utilisation against the 2-thread fp32 GEMM
// rate measured here (OpenBLAS via numpy, and Tessera's own matmul).
// Both run at 1 and 2 threads, each in its own process; the ratio compares the best of each.
// Options: --steps N (timed Tessera steps, default 3), --seconds S (per PyTorch config, default 20),
// --model d,layers,heads,T,batch (another size, e.g. the main job's 128,4,4,128,16), --vocab V (default 8192;
// the main job's is 4096).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registerDefaultBackends } from '../src/backends/register.ts';
import { buildModel, buildOptimizer, defaultTrainConfig } from '../src/train/index.ts';
import { crossEntropy, getBackend, matmul, randint, randn } from '../src/tensor/index.ts';

const { values } = parseArgs({ options: { steps: { type: 'string' }, seconds: { type: 'string' }, model: { type: 'string' }, vocab: { type: 'string' }, 'tessera-only': { type: 'boolean' } } });
const STEPS = Number(values.steps ?? 3);
const SECONDS = Number(values.seconds ?? 20);
registerDefaultBackends();
const [d, L, H, T, B] = (values.model ?? '256,6,8,256,8').split(',').map(Number) as [number, number, number, number, number];
const V = Number(values.vocab ?? 8192); // the anchor's vocabulary, not the main job's
const cfg = { ...defaultTrainConfig, model: { ...defaultTrainConfig.model, dim: d, nLayers: L, nHeads: H, maxSeqLen: T } };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Training FLOPs per token: 6 x (block matrices + tied head) + 12·L·T·d for attention scores and mixing. */
const flopsPerToken = 6 * (L * 12 * d * d + V * d) + 12 * L * T * d;

function tesseraStep(): number {
  const model = buildModel({ ...cfg, train: { ...cfg.train, seqLen: T } }, V);
  const opt = buildOptimizer(model, cfg);
  const x = randint(0, V, [B, T]);
  const y = randint(0, V, [B, T]);
  const step = (): number => {
    const t0 = performance.now();
    crossEntropy(model.forward(x), y).backward();
    opt.setLr(1e-3);
    opt.step();
    opt.zeroGrad();
    return (performance.now() - t0) / 1000;
  };
  step(); // warm-up
  return median(Array.from({ length: STEPS }, step));
}

function tesseraGemm(m: number, k: number, n: number): number {
  const a = randn([m, k]);
  const b = randn([k, n]);
  matmul(a, b);
  const reps: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    let c = 0;
    while (performance.now() - t0 < 300 || c === 0) { matmul(a, b); c++; }
    reps.push((performance.now() - t0) / 1000 / c);
  }
  return (2 * m * k * n) / median(reps) / 1e9;
}

const py = '/usr/bin/python3';
function python(script: string, args: (string | number)[], env: Record<string, string>): Record<string, number> | string {
  const r = spawnSync(py, [new URL(script, import.meta.url).pathname, ...args.map(String)], { env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX', ...env }, encoding: 'utf8' });
  if (r.status !== 0) return (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').at(-1)!;
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}
const hasTorch = existsSync(py) && spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const hasNumpy = existsSync(py) && spawnSync(py, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

if (values['tessera-only']) {
  // Child mode: one Tessera measurement at the thread count set in TESSERA_THREADS.
  console.log(JSON.stringify({ stepSeconds: tesseraStep() }));
  process.exit(0);
}
console.log(`bench:train — GPT d=${d} L=${L} heads=${H} T=${T} V=${V}, batch ${B}; forward + backward + AdamW; ${(flopsPerToken / 1e6).toFixed(1)} MFLOP/token`);
// Each thread count in its own process (the native pool's size is fixed at start).
let tess = 0;
for (const threads of [1, 2]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--tessera-only', '--steps', String(STEPS), '--model', `${d},${L},${H},${T},${B}`, '--vocab', String(V)],
    { env: { ...process.env, TESSERA_THREADS: String(threads) }, encoding: 'utf8' });
  if (r.status !== 0) { console.log(`tessera ${threads} thread(s): failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`); continue; }
  const sec = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { stepSeconds: number }).stepSeconds;
  console.log(`tessera (${getBackend()}) ${threads} thread(s): ${((B * T) / sec).toFixed(0)} tokens/s (median step ${sec.toFixed(2)} s of ${STEPS})`);
  tess = Math.max(tess, (B * T) / sec);
}

let best: { threads: number; tps: number } | null = null;
if (!hasTorch) console.log(`pytorch: skipped (${py} cannot import torch; apt-get install -y python3-torch)`);
else {
  for (const threads of [1, 2]) {
    const r = python('train_torch.py', [threads, d, L, H, T, V, B, SECONDS], { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) });
    if (typeof r === 'string') { console.log(`pytorch ${threads} thread(s): failed: ${r}`); continue; }
    console.log(`pytorch ${threads} thread(s): ${r.tokensPerSec!.toFixed(0)} tokens/s (median step ${r.stepSeconds!.toFixed(2)} s of ${r.steps})`);
    if (!best || r.tokensPerSec! > best.tps) best = { threads, tps: r.tokensPerSec! };
  }
  if (best) console.log(`ratio tessera (best) / pytorch (best: ${best.threads} thread(s)) = ${(tess / best.tps).toFixed(2)}x (target >= 3x)`);
}

const [m, k, n] = [512, 768, 3072];
const own = tesseraGemm(m, k, n);
const achieved = (tess * flopsPerToken) / 1e9;
console.log(`GEMM ${m}x${k}x${n} fp32, 2 threads: tessera ${own.toFixed(1)} GFLOP/s`);
if (!hasNumpy) console.log(`openblas: skipped (${py} cannot import numpy)`);
else {
  const r = python('gemm_numpy.py', [m, k, n, 3], { OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' });
  if (typeof r === 'string') console.log(`openblas: failed: ${r}`);
  else {
    console.log(`GEMM ${m}x${k}x${n} fp32, 2 threads: openblas (numpy) ${r.gflops!.toFixed(1)} GFLOP/s`);
    console.log(`tessera model FLOPs: ${achieved.toFixed(1)} GFLOP/s = MFU ${((100 * achieved) / r.gflops!).toFixed(1)}% of the OpenBLAS 2-thread GEMM rate`);
  }
}
console.log(`tessera model FLOPs: ${achieved.toFixed(1)} GFLOP/s = ${((100 * achieved) / own).toFixed(1)}% of its own 2-thread GEMM rate`);

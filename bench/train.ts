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
import { loadavg } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registerDefaultBackends } from '../src/backends/register.ts';
import { loadNativeAddon } from '../src/backends/native/index.ts';
import { writeFileAtomic } from '../src/util/fs.ts';
import { fmaPeakGflops, median, medianSeconds } from './lib/timing.ts';
import { buildModel, buildOptimizer, defaultTrainConfig } from '../src/train/index.ts';
import { crossEntropy, getBackend, matmul, randint, randn } from '../src/tensor/index.ts';

const { values } = parseArgs({ options: { steps: { type: 'string' }, seconds: { type: 'string' }, model: { type: 'string' }, vocab: { type: 'string' }, 'tessera-only': { type: 'boolean' } } });
const STEPS = Number(values.steps ?? 3);
const SECONDS = Number(values.seconds ?? 20);
registerDefaultBackends();
const [d, L, H, T, B] = (values.model ?? '256,6,8,256,8').split(',').map(Number) as [number, number, number, number, number];
const V = Number(values.vocab ?? 8192); // the anchor's vocabulary, not the main job's
const cfg = { ...defaultTrainConfig, model: { ...defaultTrainConfig.model, dim: d, nLayers: L, nHeads: H, maxSeqLen: T } };
const lines: string[] = [];
const log = (l: string): void => { lines.push(l); console.log(l); };

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
  return (2 * m * k * n) / medianSeconds(() => matmul(a, b), { minTime: 0.3, reps: 5 }) / 1e9;
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
log(`bench:train — GPT d=${d} L=${L} heads=${H} T=${T} V=${V}, batch ${B}; forward + backward + AdamW; ${(flopsPerToken / 1e6).toFixed(1)} MFLOP/token`);
// Each thread count in its own process (the native pool's size is fixed at start).
let tess = 0;
for (const threads of [1, 2]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--tessera-only', '--steps', String(STEPS), '--model', `${d},${L},${H},${T},${B}`, '--vocab', String(V)],
    { env: { ...process.env, TESSERA_THREADS: String(threads) }, encoding: 'utf8' });
  if (r.status !== 0) { log(`tessera ${threads} thread(s): failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`); continue; }
  const sec = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { stepSeconds: number }).stepSeconds;
  log(`tessera (${getBackend()}) ${threads} thread(s): ${((B * T) / sec).toFixed(0)} tokens/s (median step ${sec.toFixed(2)} s of ${STEPS})`);
  tess = Math.max(tess, (B * T) / sec);
}

// PyTorch's own ops follow torch.set_num_threads (OpenMP); its matmuls go to OpenBLAS, whose pthreads
// pool follows OPENBLAS_NUM_THREADS independently. The best pair is not obvious (2 + 2 oversubscribes two
// cores), so every pair runs and the best one is the peer.
let best: { cfg: string; tps: number } | null = null;
if (!hasTorch) log(`pytorch: skipped (${py} cannot import torch; apt-get install -y python3-torch)`);
else {
  for (const [ops, blas] of [[1, 1], [1, 2], [2, 1], [2, 2]] as const) {
    const cfgName = `${ops} op thread(s), ${blas} OpenBLAS thread(s)`;
    const r = python('train_torch.py', [ops, d, L, H, T, V, B, SECONDS], { OMP_NUM_THREADS: String(ops), OPENBLAS_NUM_THREADS: String(blas) });
    if (typeof r === 'string') { log(`pytorch ${cfgName}: failed: ${r}`); continue; }
    log(`pytorch ${cfgName}: ${r.tokensPerSec!.toFixed(0)} tokens/s (median step ${r.stepSeconds!.toFixed(2)} s of ${r.steps})`);
    if (!best || r.tokensPerSec! > best.tps) best = { cfg: cfgName, tps: r.tokensPerSec! };
  }
  if (best) log(`ratio tessera (best) / pytorch (best: ${best.cfg}) = ${(tess / best.tps).toFixed(2)}x (target >= 3x)`);
}

const [m, k, n] = [512, 768, 3072];
const own = tesseraGemm(m, k, n);
const achieved = (tess * flopsPerToken) / 1e9;
log(`GEMM ${m}x${k}x${n} fp32, 2 threads: tessera ${own.toFixed(1)} GFLOP/s`);
if (!hasNumpy) log(`openblas: skipped (${py} cannot import numpy)`);
else {
  const r = python('gemm_numpy.py', [m, k, n, 3], { OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' });
  if (typeof r === 'string') log(`openblas: failed: ${r}`);
  else {
    log(`GEMM ${m}x${k}x${n} fp32, 2 threads: openblas (numpy) ${r.gflops!.toFixed(1)} GFLOP/s`);
    log(`tessera model FLOPs: ${achieved.toFixed(1)} GFLOP/s = MFU ${((100 * achieved) / r.gflops!).toFixed(1)}% of the OpenBLAS 2-thread GEMM rate`);
  }
}
log(`tessera model FLOPs: ${achieved.toFixed(1)} GFLOP/s = ${((100 * achieved) / own).toFixed(1)}% of its own 2-thread GEMM rate`);
// The ceiling: no implementation can exceed the FMA peak of both cores, so a ratio target is only
// reachable when target x peer rate stays under it.
const addon = loadNativeAddon();
const peak = 2 * ((addon && fmaPeakGflops(addon)) ?? Number.NaN);
log(`FMA peak of the 2 cores (register-only loop): ${peak.toFixed(1)} GFLOP/s = ${(peak * 1e9 / flopsPerToken).toFixed(0)} tokens/s at 100% utilisation`);
if (best) {
  const need = (3 * best.tps * flopsPerToken) / 1e9;
  log(`3x the peer would need ${(3 * best.tps).toFixed(0)} tokens/s = ${need.toFixed(1)} GFLOP/s of model FLOPs = ${((100 * need) / peak).toFixed(0)}% of that peak`);
}
writeResults();

function writeResults(): void {
  const dir = new URL('results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(`${dir}train-latest.txt`, `${new Date().toISOString()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n${lines.join('\n')}\n`);
}

// `npm run bench:kernels`: fp32 GEMM side by side with OpenBLAS (through Debian's numpy) on 1 and
// 2 threads, the GEMM ladder, and memory bandwidth of the elementwise and norm kernels. Writes
// bench/results/kernels.json, kernels.md (tables) and kernels-gemm.svg. Options: --quick, --rounds N,
// --no-bandwidth, --bandwidth-only (prints the bandwidth table only and writes nothing).
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadNativeAddon, nativeUnavailableReason } from '../src/backends/native/index.ts';
import { referenceBackend } from '../src/backends/reference/index.ts';
import type { Kernels } from '../src/spec/backend.ts';
import { writeFileAtomic } from '../src/util/fs.ts';
import { fmaPeakGflops, medianSeconds, median, type Timing } from './lib/timing.ts';
import { barChartSvg } from './lib/svg.ts';
import { runLadder } from './gemm-ladder.ts';
import { runBandwidth, type BandwidthRow } from './bandwidth.ts';
import { renderReport, type KernelsResults } from './lib/report.ts';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'no-bandwidth': { type: 'boolean', default: false },
    'bandwidth-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log('npm run bench:kernels [-- --quick] [--rounds N] [--no-bandwidth | --bandwidth-only]');
  process.exit(0);
}

const SHAPES = [
  { name: '256²', m: 256, k: 256, n: 256 },
  { name: '512²', m: 512, k: 512, n: 512 },
  { name: '1024²', m: 1024, k: 1024, n: 1024 },
  { name: '(512×768)·(768×3072)', m: 512, k: 768, n: 3072 },
  { name: '(1×768)·(768×3072)', m: 1, k: 768, n: 3072 },
];
const THREADS = [1, 2];
const N = 16 * 1024 * 1024; // elements of the bandwidth tensors
const timing: Timing = opts.quick ? { minTime: 0.1, reps: 3 } : { minTime: 0.25, reps: 5 };
const rounds = Number(opts.rounds ?? (opts.quick ? 1 : 3));
const root = new URL('..', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';

const loadBefore = loadavg()[0];
const addon = loadNativeAddon();
if (addon === null) {
  console.error(`bench:kernels: the native backend is unavailable (${nativeUnavailableReason()})`);
  process.exit(1);
}
const info = addon.info();
const coreType = info.detectedIsa === 'avx512f' ? 'SkylakeX' : info.detectedIsa === 'avx2+fma' ? 'Haswell' : undefined;

interface PeerRun { blas: unknown; gflops: number[] }
function runPeer(threads: number): PeerRun | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  if (coreType) env.OPENBLAS_CORETYPE = coreType;
  const cfg = JSON.stringify({ shapes: SHAPES.map((s) => [s.m, s.k, s.n]), minTime: timing.minTime, reps: timing.reps });
  const r = spawnSync(PYTHON, [join(root, 'bench', 'peers', 'numpy-gemm.py'), cfg], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    const last = (r.stderr || '').trim().split('\n').pop() ?? '';
    return /No module named 'numpy'/.test(r.stderr) ? 'python3-numpy is not installed (apt-get install python3-numpy)' : `numpy failed: ${last}`;
  }
  return JSON.parse(r.stdout) as PeerRun;
}

function printBandwidth(rows: BandwidthRow[]): void {
  if (!rows.length) return;
  console.log(`\nMemory bandwidth, ${N / 1024 / 1024}M-element f32 tensors (GB/s counted as bytes/element x n; % of the triad loop)`);
  console.log(`${'kernel'.padEnd(28)}${pad('B/elem', 7)}${pad('1T GB/s', 10)}${pad('% triad', 9)}${pad('2T GB/s', 10)}${pad('% triad', 9)}`);
  for (const r of rows) {
    console.log(`${r.kernel.padEnd(28)}${pad(String(r.bytesPerElement), 7)}${pad(fmt(r.gbps[1]), 10)}${pad(fmt(r.ofTriad[1] * 100, 0), 9)}` +
      `${pad(fmt(r.gbps[2]), 10)}${pad(fmt(r.ofTriad[2] * 100, 0), 9)}`);
  }
}

function nativeGflops(s: (typeof SHAPES)[number], threads: number): number {
  const a = Float32Array.from({ length: s.m * s.k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: s.k * s.n }, (_, i) => Math.cos(i));
  const c = new Float32Array(s.m * s.n);
  addon!.setThreads(threads);
  const sec = medianSeconds(() => addon!.matmul(a, b, c, 1, s.m, s.n, s.k, false, false, 0, 0, false), timing);
  return (2 * s.m * s.n * s.k) / sec / 1e9;
}

function referenceGflops(s: (typeof SHAPES)[number]): number {
  const a = Float32Array.from({ length: s.m * s.k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: s.k * s.n }, (_, i) => Math.cos(i));
  const c = new Float32Array(s.m * s.n);
  const p = { batch: 1, m: s.m, n: s.n, k: s.k, transA: false, transB: false, strideA: 0, strideB: 0 };
  const mm = (referenceBackend.kernels as Kernels).matmul;
  const sec = medianSeconds(() => mm(a, b, c, p), { minTime: timing.minTime, reps: opts.quick ? 1 : 3 });
  return (2 * s.m * s.n * s.k) / sec / 1e9;
}

const fmt = (v: number | null | undefined, d = 1): string => (v === null || v === undefined ? '—' : v.toFixed(d));
const pad = (s: string, w: number): string => s.padStart(w);

console.log(`tessera native: isa ${info.isa}, gemm kernel ${info.gemmKernel}, KC ${info.kc}; machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores`);
if (opts['bandwidth-only']) {
  printBandwidth(runBandwidth(addon, N, THREADS, timing));
  console.log(`load average (1 min): ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
  process.exit(0);
}
const fmaPeak = fmaPeakGflops(addon);
console.log(`FMA peak of one core (${info.isa}, register-only loop): ${fmaPeak === null ? 'n/a' : `${fmaPeak.toFixed(1)} GFLOP/s`}`);
console.log(`timing: median of ${timing.reps} samples of >= ${timing.minTime * 1000} ms, median over ${rounds} round(s)`);

// ---- GEMM side by side -----------------------------------------------------------------------
const native: Record<number, number[][]> = { 1: SHAPES.map(() => []), 2: SHAPES.map(() => []) };
const peer: Record<number, number[][]> = { 1: SHAPES.map(() => []), 2: SHAPES.map(() => []) };
const peerBlas: Record<number, unknown> = {};
let peerSkipped: string | null = null;
for (let r = 0; r < rounds; r++) {
  for (const th of THREADS) {
    SHAPES.forEach((s, i) => native[th][i].push(nativeGflops(s, th)));
    if (peerSkipped === null) {
      const p = runPeer(th);
      if (typeof p === 'string') peerSkipped = p;
      else {
        peerBlas[th] = p.blas;
        p.gflops.forEach((g, i) => peer[th][i].push(g));
      }
    }
  }
  process.stdout.write(`  round ${r + 1}/${rounds} done\n`);
}
addon.setThreads(info.threads);
const reference = SHAPES.map((s) => referenceGflops(s));
if (peerSkipped) console.log(`OpenBLAS peer skipped: ${peerSkipped}`);
else {
  for (const th of THREADS) console.log(`OpenBLAS (${th} thread${th > 1 ? 's' : ''}, OPENBLAS_CORETYPE=${coreType ?? 'auto'}): threadpoolctl reports ${JSON.stringify(peerBlas[th])}`);
}

const gemmRows = SHAPES.map((s, i) => {
  const row = { shape: s.name, m: s.m, k: s.k, n: s.n, native: {} as Record<number, number>, openblas: {} as Record<number, number | null>,
    ratio: {} as Record<number, number | null>, reference1T: reference[i] };
  for (const th of THREADS) {
    row.native[th] = median(native[th][i]);
    row.openblas[th] = peerSkipped ? null : median(peer[th][i]);
    row.ratio[th] = row.openblas[th] ? row.native[th] / row.openblas[th]! : null;
  }
  return row;
});

console.log('\nfp32 GEMM, GFLOP/s (ratio = Tessera native / OpenBLAS)');
console.log(`${'shape'.padEnd(22)}${pad('native 1T', 11)}${pad('OpenBLAS 1T', 13)}${pad('ratio', 7)}${pad('native 2T', 11)}${pad('OpenBLAS 2T', 13)}${pad('ratio', 7)}${pad('reference', 11)}`);
for (const r of gemmRows) {
  console.log(`${r.shape.padEnd(22)}${pad(fmt(r.native[1]), 11)}${pad(fmt(r.openblas[1]), 13)}${pad(fmt(r.ratio[1], 2), 7)}` +
    `${pad(fmt(r.native[2]), 11)}${pad(fmt(r.openblas[2]), 13)}${pad(fmt(r.ratio[2], 2), 7)}${pad(fmt(r.reference1T, 2), 11)}`);
}
console.log('(reference = Tessera reference backend, plain TypeScript, single-threaded: the same on 1 and 2 threads)');

// ---- ladder ------------------------------------------------------------------------------------
const [lm, lk, ln] = [512, 512, 512];
const ladder = runLadder(addon, lm, lk, ln, timing);
console.log(`\nGEMM ladder, ${lm}x${lk}x${ln}, 1 thread (error vs the reference, relative to max |C|)`);
for (const r of ladder) console.log(`  ${r.rung.padEnd(52)} ${pad(fmt(r.gflops), 7)} GFLOP/s   err ${r.maxRelError === null ? r.note : r.maxRelError.toExponential(1)}`);

// ---- bandwidth -----------------------------------------------------------------------------------
const bandwidth = opts['no-bandwidth'] ? [] : runBandwidth(addon, N, THREADS, timing);
printBandwidth(bandwidth);

// ---- results --------------------------------------------------------------------------------------
const results = {
  date: new Date().toISOString(),
  command: `npm run bench:kernels${opts.quick ? ' -- --quick' : ''}${opts.rounds ? ` --rounds ${opts.rounds}` : ''}`,
  machine: { cpu: cpus()[0]?.model ?? null, cores: cpus().length, loadAverage1m: { start: loadBefore, end: loadavg()[0] } },
  native: info,
  fmaPeakPerCore: fmaPeak,
  timing: { ...timing, rounds },
  peer: peerSkipped ? { skipped: peerSkipped } : { name: 'OpenBLAS via numpy', coreType: coreType ?? null, threadpoolctl: peerBlas },
  gemm: gemmRows,
  ladder: { m: lm, k: lk, n: ln, threads: 1, rungs: ladder },
  bandwidth: { elements: N, rows: bandwidth },
};
const outDir = join(root, 'bench', 'results');
writeFileAtomic(join(outDir, 'kernels.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileAtomic(join(outDir, 'kernels-gemm.svg'), barChartSvg({
  title: 'fp32 GEMM: Tessera native vs OpenBLAS (numpy), GFLOP/s',
  yLabel: 'GFLOP/s',
  groups: SHAPES.map((s) => s.name),
  series: [
    { name: 'Tessera native, 1 thread', color: '#4c78a8', values: gemmRows.map((r) => r.native[1]) },
    { name: 'OpenBLAS, 1 thread', color: '#f58518', values: gemmRows.map((r) => r.openblas[1]) },
    { name: 'Tessera native, 2 threads', color: '#9ecae9', values: gemmRows.map((r) => r.native[2]) },
    { name: 'OpenBLAS, 2 threads', color: '#ffbf79', values: gemmRows.map((r) => r.openblas[2]) },
    { name: 'Tessera reference', color: '#54a24b', values: gemmRows.map((r) => r.reference1T) },
  ],
}));
writeFileAtomic(join(outDir, 'kernels.md'), renderReport(results as KernelsResults));
console.log('\nwrote bench/results/kernels.json, kernels.md and kernels-gemm.svg');

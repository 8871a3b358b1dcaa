// The GEMM ladder: reference (TypeScript) -> v1 plain C -> v2 SIMD registers -> v3 packed and
// register-blocked (shipped). Each rung is checked against the reference, then timed on one thread.
import type { NativeAddon } from '../src/backends/native/index.ts';
import { referenceBackend } from '../src/backends/reference/index.ts';
import type { Kernels } from '../src/spec/backend.ts';
import { Rng } from '../src/util/rng.ts';
import { medianSeconds, type Timing } from './lib/timing.ts';

export interface LadderRow {
  rung: string;
  gflops: number | null;
  maxRelError: number | null;
  note?: string;
}

const RUNGS = [
  { version: 0, rung: 'reference (TypeScript, f64 accumulators)' },
  { version: 1, rung: 'v1 plain C, i-k-j loops' },
  { version: 2, rung: 'v2 AVX-512 register accumulators, no tiling' },
  { version: 3, rung: 'v3 packed panels + 12x32 micro-kernel (shipped)' },
];

export function runLadder(addon: NativeAddon, m: number, k: number, n: number, t: Timing): LadderRow[] {
  const rng = new Rng(7);
  const a = Float32Array.from({ length: m * k }, () => rng.normal());
  const b = Float32Array.from({ length: k * n }, () => rng.normal());
  const want = new Float32Array(m * n);
  const p = { batch: 1, m, n, k, transA: false, transB: false, strideA: 0, strideB: 0 };
  const refMatmul = (referenceBackend.kernels as Kernels).matmul;
  refMatmul(a, b, want, p);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  const before = addon.info().threads;
  addon.setThreads(1);
  try {
    return RUNGS.map(({ version, rung }) => {
      const c = new Float32Array(m * n);
      const run = version === 0 ? () => refMatmul(a, b, c, p) : () => addon.gemmLadder(version, a, b, c, m, n, k);
      if (version > 0 && !addon.gemmLadder(version, a, b, c, m, n, k)) {
        return { rung, gflops: null, maxRelError: null, note: 'not available on this CPU' };
      }
      run();
      let err = 0;
      for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i] - want[i]) / scale);
      const sec = medianSeconds(run, version === 0 ? { minTime: t.minTime, reps: 1 } : t);
      return { rung, gflops: (2 * m * n * k) / sec / 1e9, maxRelError: err };
    });
  } finally {
    addon.setThreads(before);
  }
}

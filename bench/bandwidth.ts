// Memory bandwidth (copy and triad loops in C, threaded like the kernels) and the elementwise,
// norm and optimizer kernels on 16M-element tensors, as GB/s and as a share of the triad.
import type { NativeAddon } from '../src/backends/native/index.ts';
import { nativeKernels } from '../src/backends/native/index.ts';
import { median, sampler, type Timing } from './lib/timing.ts';

export interface BandwidthRow {
  kernel: string;
  /** Bytes the kernel must move per element (reads + writes of the big tensors). */
  bytesPerElement: number;
  gbps: Record<string, number>;
  ofTriad: Record<string, number>;
}

export function runBandwidth(addon: NativeAddon, n: number, threads: number[], t: Timing): BandwidthRow[] {
  const k = nativeKernels(addon);
  const fill = (seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));
  const [x, y, z, w] = [fill(1), fill(2), new Float32Array(n), fill(3)];
  const m = new Float32Array(n), v = new Float32Array(n);
  const cols = 1024, rows = n / cols;
  const stats = [new Float32Array(rows), new Float32Array(rows)];
  const wRow = new Float32Array(cols).fill(1.1), bRow = new Float32Array(cols).fill(0.1);
  const gw = new Float32Array(cols), gb = new Float32Array(cols);
  const targets = Int32Array.from({ length: rows }, (_, i) => i % cols);
  const view = (data: Float32Array) => ({ data, offset: 0, strides: [1] });
  let step = 0;
  const cases: [string, number, () => void][] = [
    ['copy loop (C)', 8, () => addon.stream(0, z, x, y, n, 0)],
    ['triad loop (C)', 12, () => addon.stream(1, z, x, y, n, 3)],
    ['binary add', 12, () => k.binary('add', view(x), view(y), z, [n])],
    ['binary mul, row broadcast', 8, () => k.binary('mul', { data: x, offset: 0, strides: [cols, 1] },
      { data: wRow, offset: 0, strides: [0, 1] }, z, [rows, cols])],
    ['unary relu', 8, () => k.unary('relu', x, z)],
    ['unary silu', 8, () => k.unary('silu', x, z)],
    ['unary gelu (erf)', 8, () => k.unary('gelu', x, z)],
    ['softmax (rows of 1024)', 8, () => k.softmax(x, z, rows, cols, false)],
    ['layerNorm fwd', 8, () => k.layerNorm(x, wRow, bRow, z, stats[0], stats[1], rows, cols, 1e-5)],
    ['rmsNorm fwd', 8, () => k.rmsNorm(x, wRow, z, stats[1], rows, cols, 1e-6)],
    ['layerNorm bwd (+gw, gb)', 12, () => k.layerNormGrad(x, wRow, stats[0], stats[1], y, z, gw, gb, rows, cols)],
    ['rmsNorm bwd (+gw)', 12, () => k.rmsNormGrad(x, wRow, stats[1], y, z, gw, rows, cols)],
    ['crossEntropy bwd', 8, () => k.crossEntropyGrad(x, targets, stats[1], stats[0], z, rows, cols, -100, 0)],
    ['AdamW step', 28, () => k.adamw(w, y, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: ++step })],
  ];
  const before = addon.info().threads;
  const rowsOut: BandwidthRow[] = cases.map(([kernel, bytesPerElement]) => ({ kernel, bytesPerElement, gbps: {}, ofTriad: {} }));
  const triadIndex = 1;
  try {
    for (const th of threads) {
      addon.setThreads(th);
      // Each kernel is paired with the triad loop round by round (triad sample, kernel sample), and
      // its share of the triad is the median of the per-round ratios: the machine is shared, and a
      // triad measured once up front would hold every later kernel to that moment's load.
      const [, triadBytes, triadFn] = cases[triadIndex];
      const triad = sampler(triadFn, t.minTime);
      const triadGbps: number[] = [];
      cases.forEach(([, bytes, fn], i) => {
        if (i === triadIndex) return;
        const sample = sampler(fn, t.minTime);
        const gbps: number[] = [];
        const ratios: number[] = [];
        for (let r = 0; r < t.reps; r++) {
          const tg = (triadBytes * n) / triad() / 1e9;
          const kg = (bytes * n) / sample() / 1e9;
          triadGbps.push(tg);
          gbps.push(kg);
          ratios.push(kg / tg);
        }
        rowsOut[i].gbps[th] = median(gbps);
        rowsOut[i].ofTriad[th] = median(ratios);
      });
      rowsOut[triadIndex].gbps[th] = median(triadGbps);
      rowsOut[triadIndex].ofTriad[th] = 1;
    }
  } finally {
    addon.setThreads(before);
  }
  return rowsOut;
}

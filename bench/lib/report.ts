// Renders bench/results/kernels.json as the markdown tables of bench/results/kernels.md.
export interface KernelsResults {
  date: string;
  command: string;
  machine: { cpu: string | null; cores: number; loadAverage1m?: { start: number; end: number } };
  native: { isa: string; gemmKernel: string; kc: number };
  fmaPeakPerCore: number | null;
  timing: { minTime: number; reps: number; rounds: number };
  peer: { skipped: string } | { name: string; coreType: string | null; threadpoolctl: Record<string, unknown> };
  gemm: { shape: string; native: Record<string, number>; openblas: Record<string, number | null>;
    ratio: Record<string, number | null>; reference1T: number }[];
  ladder: { m: number; k: number; n: number; rungs: { rung: string; gflops: number | null; maxRelError: number | null; note?: string }[] };
  bandwidth: { elements: number; rows: { kernel: string; bytesPerElement: number; gbps: Record<string, number>; ofTriad: Record<string, number> }[] };
}

const f = (v: number | null | undefined, d = 1): string => (v === null || v === undefined ? '—' : v.toFixed(d));

export function renderReport(r: KernelsResults): string {
  const peer = 'skipped' in r.peer ? `skipped: ${r.peer.skipped}` :
    `${r.peer.name}, OPENBLAS_CORETYPE=${r.peer.coreType ?? 'auto'}; threadpoolctl: ${JSON.stringify(r.peer.threadpoolctl)}`;
  const lines = [
    '# Kernel benchmark',
    '',
    `Command: \`${r.command}\` — ${r.date}, ${r.machine.cpu ?? '?'} (${r.machine.cores} cores, shared with other work${r.machine.loadAverage1m ? `; 1-minute load average ${r.machine.loadAverage1m.start.toFixed(1)} at the start, ${r.machine.loadAverage1m.end.toFixed(1)} at the end` : ''}).`,
    `Tessera native: ${r.native.isa}, GEMM micro-kernel ${r.native.gemmKernel}, K block ${r.native.kc}; FMA peak of one core measured here: ${f(r.fmaPeakPerCore)} GFLOP/s. Peer: ${peer}.`,
    `Each number: median of ${r.timing.reps} samples of >= ${r.timing.minTime * 1000} ms; GEMM: median over ${r.timing.rounds} rounds alternating native and OpenBLAS.`,
    '',
    '## fp32 GEMM, GFLOP/s',
    '',
    '| shape | native 1T | OpenBLAS 1T | ratio 1T | native 2T | OpenBLAS 2T | ratio 2T | reference (1T) |',
    '|---|---|---|---|---|---|---|---|',
    ...r.gemm.map((g) => `| ${g.shape} | ${f(g.native[1])} | ${f(g.openblas[1])} | ${f(g.ratio[1], 2)} | ${f(g.native[2])} | ${f(g.openblas[2])} | ${f(g.ratio[2], 2)} | ${f(g.reference1T, 2)} |`),
    '',
    `## GEMM ladder, ${r.ladder.m}×${r.ladder.k}×${r.ladder.n}, 1 thread`,
    '',
    '| rung | GFLOP/s | max error / max abs(C) |',
    '|---|---|---|',
    ...r.ladder.rungs.map((l) => `| ${l.rung} | ${f(l.gflops)} | ${l.maxRelError === null ? l.note ?? '—' : l.maxRelError.toExponential(1)} |`),
    '',
    `## Memory bandwidth, ${r.bandwidth.elements / 2 ** 20}M-element f32 tensors`,
    '',
    'GB/s = bytes per element (reads and writes of the big tensors) × elements / time (median of 5 samples); % of the triad loop at the same thread count, as the median of 5 per-round ratios, each round a triad sample then a kernel sample.',
    '',
    '| kernel | bytes/element | 1T GB/s | 1T % triad | 2T GB/s | 2T % triad |',
    '|---|---|---|---|---|---|',
    ...r.bandwidth.rows.map((b) => `| ${b.kernel} | ${b.bytesPerElement} | ${f(b.gbps[1])} | ${f(b.ofTriad[1] * 100, 0)} | ${f(b.gbps[2])} | ${f(b.ofTriad[2] * 100, 0)} |`),
    '',
  ];
  return lines.join('\n');
}

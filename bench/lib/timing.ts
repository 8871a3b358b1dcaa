// Timing for benchmarks: warm up, size a batch of calls to a quarter of minTime, then take
// `reps` samples of at least minTime each and report the median (the machine is shared).
export interface Timing {
  minTime: number; // seconds per sample
  reps: number;
}

/** Median seconds per call of fn. */
export function medianSeconds(fn: () => void, t: Timing): number {
  const sample = sampler(fn, t.minTime);
  return median(Array.from({ length: t.reps }, sample));
}

/**
 * Warms fn up and sizes a batch of calls to a quarter of minTime, then returns a function that
 * takes one sample (seconds per call over at least minTime), so samples of two functions can be
 * interleaved.
 */
export function sampler(fn: () => void, minTime: number): () => number {
  fn();
  let iters = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    if ((performance.now() - t0) / 1000 >= minTime / 4) break;
    iters *= 2;
  }
  return () => {
    let n = 0;
    const t0 = performance.now();
    let dt = 0;
    do {
      for (let i = 0; i < iters; i++) fn();
      n += iters;
      dt = (performance.now() - t0) / 1000;
    } while (dt < minTime);
    return dt / n;
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** GFLOP/s of one core in the addon's register-only FMA loop (null when the build has none). */
export function fmaPeakGflops(addon: { fmaPeak(iterations: number): number }): number | null {
  const iters = 2_000_000;
  const flops = addon.fmaPeak(iters);
  return flops > 0 ? flops / medianSeconds(() => addon.fmaPeak(iters), { minTime: 0.1, reps: 5 }) / 1e9 : null;
}

// F-4 and F-6: a counting two-level memory. Both attention algorithms run their loop structure
// over a "slow memory" that counts every element read or written, with a fast scratch of M
// elements (block sizes of spec §2.3); they also count matmul FLOPs. Counting does not depend on
// the values, so the sweeps run the loops without arithmetic; `verifyIoModel` runs them with
// arithmetic once to show the FA1 loop really computes attention.

export interface IoCount { reads: number; writes: number; total: number; fastPeak: number }

class SlowMemory {
  reads = 0;
  writes = 0;
  fastPeak = 0;
  private fast = 0;
  read(n: number): void { this.reads += n; }
  write(n: number): void { this.writes += n; }
  /** Marks n elements live in fast memory (negative frees them). */
  hold(n: number): void { this.fast += n; this.fastPeak = Math.max(this.fastPeak, this.fast); }
  count(): IoCount { return { reads: this.reads, writes: this.writes, total: this.reads + this.writes, fastPeak: this.fastPeak }; }
}

/** Standard attention (Algorithm 0): S = QKᵀ, P = softmax(S), O = PV, each through slow memory. */
export function standardIo(n: number, d: number): IoCount {
  const mem = new SlowMemory();
  mem.read(2 * n * d); mem.write(n * n); // read Q, K; write S
  mem.read(n * n); mem.write(n * n); // read S; write P
  mem.read(n * n + n * d); mem.write(n * d); // read P, V; write O
  return mem.count();
}

export const fa1Blocks = (m: number, d: number) => ({ bc: Math.ceil(m / (4 * d)), br: Math.min(Math.ceil(m / (4 * d)), d) });

/** FlashAttention (FA1 loop order, Algorithm 1): K, V once; per column block Q, O, ℓ, m read and O, ℓ, m written. */
export function flashIo(n: number, d: number, m: number): IoCount {
  const mem = new SlowMemory();
  const { bc, br } = fa1Blocks(m, d);
  mem.write(n * d + 2 * n); // initialise O, ℓ, m
  for (let j0 = 0; j0 < n; j0 += bc) {
    const cj = Math.min(bc, n - j0);
    mem.read(2 * cj * d); mem.hold(2 * cj * d); // K_j, V_j
    for (let i0 = 0; i0 < n; i0 += br) {
      const ri = Math.min(br, n - i0);
      mem.read(2 * ri * d + 2 * ri); mem.hold(2 * ri * d + 2 * ri + ri * cj); // Q_i, O_i, ℓ_i, m_i; S_ij
      mem.write(ri * d + 2 * ri); mem.hold(-(2 * ri * d + 2 * ri + ri * cj));
    }
    mem.hold(-2 * cj * d);
  }
  return mem.count();
}

/** Closed forms [derived]: standard 4Nd + 4N²; FA1 2Nd + T_c·(3Nd + 4N) + (Nd + 2N). */
export const standardClosed = (n: number, d: number) => 4 * n * d + 4 * n * n;
export function flashClosed(n: number, d: number, m: number): number {
  const tc = Math.ceil(n / fa1Blocks(m, d).bc);
  return 2 * n * d + tc * (3 * n * d + 4 * n) + n * d + 2 * n;
}

/** Least-squares slope of log y against log x. */
export function logSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) { num += (lx[i] - mx) * (ly[i] - my); den += (lx[i] - mx) ** 2; }
  return num / den;
}

/** Matmul FLOPs of forward + backward (F-6): the standard algorithm stores P (2 + 4 matmuls), the fused one recomputes it (2 + 5). */
export function matmulFlops(nq: number, nk: number, d: number, tiles: readonly { rows: number; cols: number }[]): { standard: number; fused: number } {
  const per = tiles.reduce((a, t) => a + 2 * t.rows * t.cols * d, 0); // one (rows × d)·(d × cols) product per tile
  return { standard: 6 * 2 * nq * nk * d, fused: 7 * per };
}

/** Runs the FA1 loop with arithmetic on small inputs; returns max |O_fa1 − O_standard|. */
export function verifyIoModel(n: number, d: number, m: number, seed = 1): number {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const q = Array.from({ length: n * d }, rnd);
  const k = Array.from({ length: n * d }, rnd);
  const v = Array.from({ length: n * d }, rnd);
  const tau = 1 / Math.sqrt(d);
  const dot = (i: number, j: number) => { let x = 0; for (let c = 0; c < d; c++) x += q[i * d + c] * k[j * d + c]; return x * tau; };
  const std = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const sc = Array.from({ length: n }, (_, j) => dot(i, j));
    const mx = Math.max(...sc);
    const p = sc.map((x) => Math.exp(x - mx));
    const l = p.reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) std[i * d + c] += (p[j] / l) * v[j * d + c];
  }
  const { bc, br } = fa1Blocks(m, d);
  const o = new Float64Array(n * d);
  const lsum = new Float64Array(n);
  const mrow = new Float64Array(n).fill(-Infinity);
  for (let j0 = 0; j0 < n; j0 += bc) for (let i0 = 0; i0 < n; i0 += br) {
    for (let i = i0; i < Math.min(i0 + br, n); i++) {
      const js = Array.from({ length: Math.min(bc, n - j0) }, (_, t) => j0 + t);
      const sc = js.map((j) => dot(i, j));
      const mt = Math.max(...sc);
      const pt = sc.map((x) => Math.exp(x - mt));
      const lt = pt.reduce((a, b) => a + b, 0);
      const mn = Math.max(mrow[i], mt);
      const ea = mrow[i] === -Infinity ? 0 : Math.exp(mrow[i] - mn);
      const eb = Math.exp(mt - mn);
      const ln = ea * lsum[i] + eb * lt;
      for (let c = 0; c < d; c++) {
        let pv = 0;
        js.forEach((j, t) => { pv += pt[t] * v[j * d + c]; });
        o[i * d + c] = (lsum[i] * ea * o[i * d + c] + eb * pv) / ln;
      }
      mrow[i] = mn;
      lsum[i] = ln;
    }
  }
  let err = 0;
  for (let x = 0; x < n * d; x++) err = Math.max(err, Math.abs(o[x] - std[x]));
  return err;
}

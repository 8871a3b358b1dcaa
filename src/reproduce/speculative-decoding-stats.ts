// Chi-square tests for the exactness checks: goodness of fit against known probabilities and a
// two-sample test of counts, with sparse cells merged until every expected count reaches 5.
import { check } from '../util/errors.ts';

export interface ChiSquare {
  readonly statistic: number;
  readonly dof: number;
  readonly pValue: number;
}

/** Upper regularized incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lg = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lg);
  }
  // Modified Lentz evaluation of the continued fraction.
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lg) * h;
}

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = g[0];
  for (let i = 1; i < 9; i++) x += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

export function chiSquarePValue(statistic: number, dof: number): number {
  return dof <= 0 ? 1 : gammaQ(dof / 2, statistic / 2);
}

// Groups cell indices, smallest expected first, so that each group's expected count is >= 5.
function mergeCells(expected: readonly number[]): number[][] {
  const order = expected.map((_, i) => i).sort((a, b) => expected[a] - expected[b]);
  const groups: number[][] = [];
  let cur: number[] = [];
  let mass = 0;
  for (const i of order) {
    cur.push(i);
    mass += expected[i];
    if (mass >= 5) { groups.push(cur); cur = []; mass = 0; }
  }
  if (cur.length) {
    if (groups.length) groups[groups.length - 1].push(...cur);
    else groups.push(cur);
  }
  return groups;
}

/** Goodness of fit of observed counts to probabilities p (cells with p = 0 must be empty). */
export function chiSquareGof(observed: readonly number[], p: readonly number[]): ChiSquare {
  check(observed.length === p.length, 'chiSquareGof', 'observed and p must have one entry per cell');
  const n = observed.reduce((a, b) => a + b, 0);
  let outside = 0;
  p.forEach((pi, i) => { if (pi <= 0) outside += observed[i]; });
  if (outside > 0) return { statistic: Infinity, dof: 0, pValue: 0 };
  const cells = p.map((_, i) => i).filter((i) => p[i] > 0);
  const groups = mergeCells(cells.map((i) => p[i] * n)).map((g) => g.map((j) => cells[j]));
  let stat = 0;
  for (const g of groups) {
    const e = g.reduce((a, i) => a + p[i] * n, 0);
    const o = g.reduce((a, i) => a + observed[i], 0);
    stat += (o - e) ** 2 / e;
  }
  return { statistic: stat, dof: groups.length - 1, pValue: chiSquarePValue(stat, groups.length - 1) };
}

/** Two-sample test: do counts a and b come from one distribution (a 2 × K contingency table)? */
export function chiSquareTwoSample(a: readonly number[], b: readonly number[]): ChiSquare {
  check(a.length === b.length, 'chiSquareTwoSample', 'both samples need one count per cell');
  const na = a.reduce((x, y) => x + y, 0);
  const nb = b.reduce((x, y) => x + y, 0);
  const pooled = a.map((x, i) => x + b[i]);
  const cells = pooled.map((_, i) => i).filter((i) => pooled[i] > 0);
  const smaller = Math.min(na, nb) / (na + nb);
  const groups = mergeCells(cells.map((i) => pooled[i] * smaller)).map((g) => g.map((j) => cells[j]));
  let stat = 0;
  for (const g of groups) {
    const oa = g.reduce((s, i) => s + a[i], 0);
    const ob = g.reduce((s, i) => s + b[i], 0);
    const tot = oa + ob;
    const ea = (tot * na) / (na + nb);
    const eb = (tot * nb) / (na + nb);
    stat += (oa - ea) ** 2 / ea + (ob - eb) ** 2 / eb;
  }
  return { statistic: stat, dof: groups.length - 1, pValue: chiSquarePValue(stat, groups.length - 1) };
}

// Vega-Lite charts of the speculative-decoding reproduction.
import type { Plot } from './report.ts';

interface SpeedRow { temperature: number; gamma: number; speedup: number; predicted: number; paperPredicted: number; perPass: number; expected: number }

/** Lines over γ (log₂ axis), one colour per series and one panel per temperature. */
function perGammaChart(name: string, title: string, chartTitle: string, values: object[], y: { field: string; title: string }): Plot {
  return {
    name, title,
    spec: {
      title: chartTitle, data: { values }, facet: { column: { field: 'T', type: 'nominal', title: 'temperature' } },
      spec: { width: 260, height: 220, mark: { type: 'line', point: true }, encoding: {
        x: { field: 'gamma', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'γ' },
        y: { field: y.field, type: 'quantitative', title: y.title },
        color: { field: 'series', type: 'nominal' },
      } },
    },
  };
}

export function speedupPlot(rows: readonly SpeedRow[]): Plot {
  const values = rows.flatMap((r) => [
    { T: `T=${r.temperature}`, gamma: r.gamma, speedup: r.speedup, series: 'measured' },
    { T: `T=${r.temperature}`, gamma: r.gamma, speedup: r.predicted, series: 'predicted (in-loop c, v)' },
    { T: `T=${r.temperature}`, gamma: r.gamma, speedup: r.paperPredicted, series: 'paper (v = 1)' },
  ]);
  return perGammaChart('speedup', 'Walltime speedup vs γ: measured, §2.4 prediction, paper prediction', 'Speculative decoding speedup', values, { field: 'speedup', title: 'speedup (×)' });
}

export function verifyCostPlot(rows: readonly { k: number; v: number }[]): Plot {
  return {
    name: 'verify-cost', title: 'Target pass over k positions relative to one step (T_k / T_1)',
    spec: {
      title: 'Verification cost T_k / T_1', width: 360, height: 220, data: { values: [...rows] }, mark: { type: 'line', point: true },
      encoding: { x: { field: 'k', type: 'quantitative', title: 'positions k' }, y: { field: 'v', type: 'quantitative', title: 'T_k / T_1' } },
    },
  };
}

export function tokensPerPassPlot(rows: readonly SpeedRow[]): Plot {
  const values = rows.flatMap((r) => [
    { T: `T=${r.temperature}`, gamma: r.gamma, tokens: r.perPass, series: 'measured' },
    { T: `T=${r.temperature}`, gamma: r.gamma, tokens: r.expected, series: '(1 − α^(γ+1))/(1 − α)' },
  ]);
  return perGammaChart('tokens-per-pass', 'Tokens per target pass vs γ, with the formula', 'Tokens per target pass', values, { field: 'tokens', title: 'tokens per pass' });
}

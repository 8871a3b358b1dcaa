// Vega-Lite charts of the FlashAttention reproduction.
import type { Plot } from '../report.ts';

type Row = Record<string, string | number>;

const line = (name: string, title: string, rows: readonly Row[], x: object, y: object, color: object, extra: object = {}): Plot => ({
  name, title,
  spec: { title, width: 440, height: 280, data: { values: [...rows] }, mark: { type: 'line', point: true }, encoding: { x, y, color, ...extra } },
});

export function errorPlot(rows: readonly Row[]): Plot {
  return {
    name: 'error-ratio', title: 'F-1/F-2: fused error over the allowed bound (pass ≤ 1)',
    spec: {
      title: 'fused error / (2·naive error + 4·ε·max|ref|)', width: 520, height: 300, data: { values: [...rows] },
      layer: [
        { mark: { type: 'point', filled: true }, encoding: { x: { field: 'case', type: 'nominal', sort: null, title: 'case' }, y: { field: 'ratio', type: 'quantitative', title: 'ratio' }, color: { field: 'tensor', type: 'nominal' } } },
        { mark: { type: 'rule', color: 'red' }, encoding: { y: { datum: 1 } } },
      ],
    },
  };
}

export function memoryPlot(rows: readonly Row[]): Plot {
  return line('extra-memory', 'F-3: extra bytes against N (d = 64, one head, causal)', rows,
    { field: 'n', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'N' },
    { field: 'bytes', type: 'quantitative', scale: { type: 'log' }, title: 'extra bytes' },
    { field: 'series', type: 'nominal', title: 'path, pass (slope)' });
}

export function ioPlot(rows: readonly Row[], sweep: string, xTitle: string): Plot {
  return line(`io-${sweep}`, `F-4: slow-memory traffic against ${xTitle}`, rows,
    { field: 'x', type: 'quantitative', scale: { type: 'log', base: 2 }, title: xTitle },
    { field: 'elements', type: 'quantitative', scale: { type: 'log' }, title: 'elements moved' },
    { field: 'series', type: 'nominal', title: 'series' });
}

export function speedPlot(rows: readonly Row[]): Plot {
  return line('time', 'F-7: forward + backward time against N (4 heads, d = 64, causal)', rows,
    { field: 'n', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'N' },
    { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (median)' },
    { field: 'series', type: 'nominal', title: 'path, threads' });
}

export function tileMapPlot(rows: readonly Row[]): Plot {
  return {
    name: 'causal-tiles', title: 'F-5: causal tile map (executed vs skipped)',
    spec: {
      title: 'causal tiles, B_r = 32, B_c = 128', width: 300, height: 300, data: { values: [...rows] }, mark: 'rect',
      encoding: {
        x: { field: 'keyBlock', type: 'ordinal', title: 'key block' },
        y: { field: 'rowBlock', type: 'ordinal', title: 'query row block' },
        color: { field: 'state', type: 'nominal', scale: { domain: ['executed', 'skipped'], range: ['#3b6ea8', '#e8e8e8'] } },
      },
    },
  };
}

export function lossPlot(rows: readonly Row[]): Plot {
  return line('gpt-loss', 'F-8: default GPT training loss, fused vs naive attention', rows,
    { field: 'step', type: 'quantitative', title: 'step' },
    { field: 'loss', type: 'quantitative', scale: { zero: false }, title: 'loss' },
    { field: 'path', type: 'nominal' }, { strokeDash: { field: 'path', type: 'nominal' } });
}

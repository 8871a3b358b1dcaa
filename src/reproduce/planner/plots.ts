// Vega-Lite charts of the planner reproduction.
import type { Plot } from '../report.ts';

type Row = Record<string, string | number>;

export function zeroMemoryPlot(rows: readonly Row[]): Plot {
  return {
    name: 'zero-memory', title: 'ZeRO: model-state memory per device vs data-parallel degree (Table 1)',
    spec: {
      title: 'ZeRO model-state memory per device', width: 420, height: 280, data: { values: [...rows] }, mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'nd', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'data-parallel degree N_d' },
        y: { field: 'gb', type: 'quantitative', scale: { type: 'log' }, title: 'GB per device' },
        color: { field: 'series', type: 'nominal', title: 'model, stage' },
      },
    },
  };
}

export function tflopsPlot(rows: readonly Row[]): Plot {
  return {
    name: 'megatron-tflops', title: 'Megatron Table 1: TFLOP/s per GPU, paper vs planner',
    spec: {
      title: 'Megatron weak scaling: achieved TFLOP/s per GPU', width: 420, height: 260, data: { values: [...rows] },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'params', type: 'quantitative', scale: { type: 'log' }, title: 'parameters (billions)' },
        y: { field: 'tflops', type: 'quantitative', scale: { zero: false }, title: 'TFLOP/s per GPU' },
        color: { field: 'source', type: 'nominal' },
      },
    },
  };
}

export function bubblePlot(rows: readonly Row[]): Plot {
  return {
    name: 'pipeline-bubble', title: 'Pipeline bubble vs microbatches: simulated (points) and (p−1)/(v·m) (lines)',
    spec: {
      title: 'Pipeline bubble: simulation vs closed form', data: { values: [...rows] },
      facet: { column: { field: 'p', type: 'ordinal', title: 'pipeline size p' } },
      spec: {
        width: 200, height: 200,
        encoding: {
          x: { field: 'm', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'microbatches m' },
          color: { field: 'v', type: 'nominal', title: 'chunks v' },
        },
        layer: [
          { mark: 'line', encoding: { y: { field: 'closedForm', type: 'quantitative', title: 'bubble fraction' } } },
          { mark: { type: 'point', filled: true }, encoding: { y: { field: 'bubble', type: 'quantitative' } } },
        ],
      },
    },
  };
}

export function paroPlot(rows: readonly Row[]): Plot {
  return {
    name: 'paro-throughput', title: 'PaRO: predicted tokens/s per strategy, LLaMA-7B (fitting plans only)',
    spec: {
      title: 'PaRO strategies, LLaMA-7B, accumulation 4', data: { values: [...rows] },
      facet: { column: { field: 'cluster', type: 'nominal' } },
      spec: {
        width: 220, height: 220, mark: 'bar',
        encoding: {
          x: { field: 'gpus', type: 'ordinal', title: 'GPUs' },
          xOffset: { field: 'strategy', type: 'nominal' },
          y: { field: 'tokensPerSecond', type: 'quantitative', title: 'tokens/s' },
          color: { field: 'strategy', type: 'nominal' },
        },
      },
    },
  };
}

// Human-readable tables of a plan and of a search, for `tessera plan`.
import type { SearchResult } from './search.ts';
import type { PlanResult } from './types.ts';

const gb = (x: number) => `${(x / 1e9).toFixed(2)} GB`;
const sec = (x: number) => (x >= 1 ? `${x.toFixed(3)} s` : `${(x * 1e3).toFixed(2)} ms`);

function rows(pairs: [string, string][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

export function strategyLabel(p: PlanResult): string {
  const s = p.strategy;
  const sched = s.pp > 1 ? ` ${s.schedule}${s.virtualStages > 1 ? ` v=${s.virtualStages}` : ''}` : '';
  return `tp=${s.tp} pp=${s.pp} dp=${p.dp}${sched} b=${p.batch.micro} ${s.sharding} recompute=${s.recompute}${s.offloadOptimizer ? ' +offload-opt' : ''}${s.offloadParams ? ' +offload-params' : ''}`;
}

export function formatPlan(p: PlanResult): string {
  const m = p.memory;
  const c = p.comm.byKind;
  const link = (k: { intraNode: number; interNode: number; seconds: number }) => `${gb(k.intraNode)} intra, ${gb(k.interNode)} inter, ${sec(k.seconds)}`;
  const devices = p.cluster.devicesPerNode * p.cluster.nodes;
  return [
    `Plan: ${p.model.name} (${(p.parameters / 1e9).toFixed(3)}B parameters) on ${p.cluster.nodes} × ${p.cluster.devicesPerNode} ${p.cluster.device.name} (${devices} devices)`,
    rows([
      ['strategy', strategyLabel(p)],
      ['batch', `global ${p.batch.global}, micro ${p.batch.micro}, ${p.microbatches} microbatches per pipeline, precision ${p.strategy.precision}`],
    ]),
    `Memory per device (worst pipeline rank)${p.fits ? '' : ' — DOES NOT FIT'}`,
    rows([
      ['parameters', gb(m.parameters)], ['gradients', gb(m.gradients)], ['optimizer states', gb(m.optimizer)],
      ['activations', gb(m.activations)], ['buffers', gb(m.buffers)],
      ['total', `${gb(m.total)} of ${gb(p.cluster.device.memoryBytes)}`], ['host (offload)', gb(m.cpu)],
    ]),
    'Communication per device per step',
    rows([['tensor parallel', link(c.tensorParallel)], ['pipeline p2p', link(c.pipeline)], ['data parallel', link(c.dataParallel)], ['total', `${gb(p.comm.intraNode)} intra-node, ${gb(p.comm.interNode)} inter-node`]]),
    ...(p.dataParallelCollectives.length === 0 ? [] : [
      'Data-parallel collectives per step',
      rows(p.dataParallelCollectives.map((c): [string, string] => [`${c.what} (${c.op}, ${c.scope}, ${c.phase === 'micro' ? `×${c.timesPerStep}` : 'at the boundary'})`, link({ intraNode: c.intraNode, interNode: c.interNode, seconds: c.seconds })])),
    ]),
    'Time',
    rows([
      ['step', sec(p.time.step)], ['pipeline (simulated)', sec(p.time.pipeline)], ['data-parallel sync', sec(p.time.dataParallel)], ['optimizer step', sec(p.time.optimizer)], ['host transfers (offload)', sec(p.time.hostTransfer)],
      ['bubble', `${(p.time.bubble * 100).toFixed(2)} %`], ['per microbatch per stage', sec(p.time.computePerMicrobatch)],
      ['achieved', `${(p.achievedFlopsPerDevice / 1e12).toFixed(1)} TFLOP/s per device, ${Math.round(p.tokensPerSecond)} tokens/s`],
    ]),
  ].join('\n');
}

export function formatSearch(r: SearchResult, top: number): string {
  const head = `Searched ${r.evaluated} plans: ${r.ranked.length} fit, ${r.overMemory} over memory, ${r.invalid} invalid.`;
  if (!r.best) return `${head}\nNo plan fits in device memory.`;
  const lines = r.ranked.slice(0, top).map((p, i) => `  ${String(i + 1).padStart(2)}. ${sec(p.time.step).padStart(10)}  ${(p.achievedFlopsPerDevice / 1e12).toFixed(1).padStart(6)} TFLOP/s  ${gb(p.memory.total).padStart(9)}  ${strategyLabel(p)}`);
  return `${head}\nFastest plans that fit:\n${lines.join('\n')}\n\n${formatPlan(r.best)}`;
}

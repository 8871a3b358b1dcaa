// `tessera plan`: memory, communication, bubble and step time of a training job, or the fastest plan.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  clusterPreset, deepspeedEstimate, defaultStrategy, devicePreset, devices, evaluatePlan, formatPlan, formatSearch, gptShape, modelPreset, modelPresets,
  nodes, parseSharding, planTraining, readModelConfig, searchPlans, zeroSharding,
} from '../../distributed/planner/index.ts';
import type { ClusterSpec, ModelShape, PipelineSchedule, Precision, Recompute, Strategy } from '../../distributed/planner/index.ts';
import { check, fail } from '../../util/errors.ts';
import type { Command } from '../command.ts';

const help = `Usage: tessera plan [options]

Predicts memory per device, communication per step, the pipeline bubble (simulated), step time
and achieved FLOP/s of a training job; --search finds the fastest plan that fits.

Model (one of):
  --model NAME|PATH        preset (${Object.keys(modelPresets).join(', ')}),
                           a Hugging Face config.json (gpt2, llama) or a Tessera model config JSON
  --layers N --hidden N --heads N --vocab N   a GPT shape
  --seq N                  sequence length (overrides the config)
Batch:
  --global-batch N         samples per step (default 512)
  --micro-batch N          samples per microbatch (default 1)
Cluster:
  --cluster NAME           ${Object.keys(nodes).join(', ')} (default dgx-a100)
  --nodes N                nodes (default 1)
  --device NAME            ${Object.keys(devices).join(', ')} (replaces the node's device)
  --devices-per-node N  --device-memory GB  --peak-tflops T (16-bit dense)  --efficiency F (fraction of peak)
  --intra-bw GB/s  --inter-bw GB/s  --intra-latency us  --inter-latency us
Strategy:
  --tp N  --pp N           tensor and pipeline parallel sizes (default 1)
  --schedule S             gpipe | 1f1b | interleaved (default 1f1b)
  --virtual-stages N       chunks per pipeline rank (interleaved)
  --zero-stage N           0..3 (DDP, P_os, P_os+g, P_os+g+p)
  --sharding XYZ           PaRO letters for params/grads/optimizer, N/I/G (e.g. NIG, IIG)
  --offload-optimizer  --offload-params
  --recompute R            none | selective | full (default none)
  --precision P            mixed | fp32 (default mixed)
  --sequence-parallel  --no-scatter-gather  --flash-attention
  --trainable-fraction F   Ψ′/Ψ (default 1)
DeepSpeed-compatible estimate (its estimate_zero2/zero3_model_states_mem_needs):
  --deepspeed-estimate N   ZeRO stage 2 or 3, with --params N, --largest-layer N (stage 3), --nodes,
                           --devices-per-node, --offload-optimizer, --offload-params, --no-zero-init,
                           --buffer-factor F (default 1.5), --legacy-formula (stage 2's older 4Ψ + 16Ψ/G)
Output:
  --search                 search tp, pp, v, micro batch, ZeRO stage and recomputation
  --search-shardings LIST  shardings the search tries (default NNN,NNG,NGG,GGG; e.g. add NIG,IIG)
  --top N                  plans listed by --search (default 10)
  --json                   print JSON
  --allow-over-memory      report a plan that does not fit instead of failing`;

const options = {
  model: { type: 'string' }, layers: { type: 'string' }, hidden: { type: 'string' }, heads: { type: 'string' }, vocab: { type: 'string' }, seq: { type: 'string' },
  'global-batch': { type: 'string', default: '512' }, 'micro-batch': { type: 'string', default: '1' },
  cluster: { type: 'string', default: 'dgx-a100' }, nodes: { type: 'string', default: '1' }, device: { type: 'string' },
  'devices-per-node': { type: 'string' }, 'device-memory': { type: 'string' }, 'peak-tflops': { type: 'string' }, efficiency: { type: 'string' }, 'intra-bw': { type: 'string' }, 'inter-bw': { type: 'string' },
  'intra-latency': { type: 'string' }, 'inter-latency': { type: 'string' },
  tp: { type: 'string', default: '1' }, pp: { type: 'string', default: '1' }, schedule: { type: 'string' }, 'virtual-stages': { type: 'string', default: '1' },
  'zero-stage': { type: 'string' }, sharding: { type: 'string' }, 'offload-optimizer': { type: 'boolean' }, 'offload-params': { type: 'boolean' },
  recompute: { type: 'string', default: 'none' }, precision: { type: 'string', default: 'mixed' }, 'sequence-parallel': { type: 'boolean' },
  'no-scatter-gather': { type: 'boolean' }, 'flash-attention': { type: 'boolean' }, 'trainable-fraction': { type: 'string', default: '1' },
  'deepspeed-estimate': { type: 'string' }, params: { type: 'string' }, 'largest-layer': { type: 'string' }, 'no-zero-init': { type: 'boolean' },
  'buffer-factor': { type: 'string', default: '1.5' }, 'legacy-formula': { type: 'boolean' },
  search: { type: 'boolean' }, 'search-shardings': { type: 'string' }, top: { type: 'string', default: '10' }, json: { type: 'boolean' }, 'allow-over-memory': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

function num(v: Values, key: keyof Values, positive = true): number {
  const raw = v[key];
  const x = Number(raw);
  check(typeof raw === 'string' && Number.isFinite(x) && (!positive || x > 0), 'tessera plan', `--${key} must be a ${positive ? 'positive ' : ''}number, got '${String(raw)}'`);
  return x;
}

function pick<T extends string>(v: Values, key: keyof Values, allowed: readonly T[]): T {
  const raw = String(v[key]);
  check((allowed as readonly string[]).includes(raw), 'tessera plan', `--${key} must be one of ${allowed.join(', ')}, got '${raw}'`);
  return raw as T;
}

function model(v: Values): ModelShape {
  const seq = v.seq === undefined ? undefined : num(v, 'seq');
  if (v.model !== undefined) {
    if (v.model.endsWith('.json') || existsSync(v.model)) return readModelConfig(v.model, seq);
    const m = modelPreset(v.model);
    return seq === undefined ? m : { ...m, seqLen: seq };
  }
  check(v.layers !== undefined, 'tessera plan', 'give --model NAME|config.json, or --layers, --hidden, --heads, --vocab and --seq');
  return gptShape('custom', num(v, 'layers'), num(v, 'hidden'), num(v, 'heads'), num(v, 'vocab'), seq ?? fail('tessera plan', '--seq is required with --layers'));
}

function cluster(v: Values): ClusterSpec {
  const base = clusterPreset(v.cluster!, num(v, 'nodes'));
  let device = v.device === undefined ? base.device : devicePreset(v.device);
  if (v['device-memory'] !== undefined) device = { ...device, memoryBytes: num(v, 'device-memory') * 1e9 };
  if (v['peak-tflops'] !== undefined) device = { ...device, peakFlops16: num(v, 'peak-tflops') * 1e12 };
  if (v.efficiency !== undefined) {
    const e = num(v, 'efficiency');
    check(e <= 1, 'tessera plan', `--efficiency must be a fraction of peak in (0, 1], got ${e}`);
    device = { ...device, efficiency: e };
  }
  const opt = (key: keyof Values, scale: number, fallback: number) => (v[key] === undefined ? fallback : num(v, key) * scale);
  return {
    ...base, device,
    devicesPerNode: opt('devices-per-node', 1, base.devicesPerNode),
    intraBandwidth: opt('intra-bw', 1e9, base.intraBandwidth), interBandwidth: opt('inter-bw', 1e9, base.interBandwidth),
    intraLatency: opt('intra-latency', 1e-6, base.intraLatency), interLatency: opt('inter-latency', 1e-6, base.interLatency),
  };
}

function strategy(v: Values): Strategy {
  check(v['zero-stage'] === undefined || v.sharding === undefined, 'tessera plan', 'give --zero-stage or --sharding, not both');
  const vs = num(v, 'virtual-stages');
  const schedule = v.schedule === undefined ? (vs > 1 ? 'interleaved' : '1f1b') : pick<PipelineSchedule>(v, 'schedule', ['gpipe', '1f1b', 'interleaved']);
  return {
    ...defaultStrategy,
    tp: num(v, 'tp'), pp: num(v, 'pp'), schedule, virtualStages: vs,
    sharding: v.sharding ?? (v['zero-stage'] === undefined ? 'NNN' : zeroSharding(num(v, 'zero-stage', false))),
    offloadOptimizer: v['offload-optimizer'] === true, offloadParams: v['offload-params'] === true,
    recompute: pick<Recompute>(v, 'recompute', ['none', 'selective', 'full']), precision: pick<Precision>(v, 'precision', ['mixed', 'fp32']),
    sequenceParallel: v['sequence-parallel'] === true, flashAttention: v['flash-attention'] === true, scatterGather: v['no-scatter-gather'] !== true,
  };
}

function deepspeed(v: Values): number {
  const stage = num(v, 'deepspeed-estimate');
  check(stage === 2 || stage === 3, 'tessera plan', `--deepspeed-estimate must be 2 or 3, got ${stage}`);
  const nodeCount = num(v, 'nodes');
  const gpusPerNode = v['devices-per-node'] === undefined ? clusterPreset(v.cluster!, nodeCount).devicesPerNode : num(v, 'devices-per-node');
  const e = deepspeedEstimate({
    stage, params: num(v, 'params'), largestLayerParams: stage === 3 ? num(v, 'largest-layer') : undefined, gpusPerNode, nodes: nodeCount,
    offloadOptimizer: v['offload-optimizer'] === true, offloadParams: v['offload-params'] === true, zeroInit: v['no-zero-init'] !== true,
    bufferFactor: num(v, 'buffer-factor'), legacyFormula: v['legacy-formula'] === true,
  });
  const gib = (x: number) => `${(x / 2 ** 30).toFixed(2)} GiB`;
  console.log(v.json ? JSON.stringify(e) : `DeepSpeed ZeRO-${stage} estimate, ${nodeCount} × ${gpusPerNode} GPUs: per GPU ${gib(e.gpu)}, per CPU ${gib(e.cpu)}`);
  return 0;
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'predict memory, communication and step time of a training job; search the fastest plan',
  help,
  async run(argv) {
    const { values: v } = parseArgs({ args: argv, options, allowPositionals: false });
    if (v['deepspeed-estimate'] !== undefined) return deepspeed(v);
    const m = model(v);
    const c = cluster(v);
    const batch = { global: num(v, 'global-batch'), micro: num(v, 'micro-batch') };
    if (v.search) {
      const s = strategy(v);
      const shardings = v['search-shardings']?.split(',').map((x) => x.trim());
      shardings?.forEach((x) => parseSharding(x, 'tessera plan'));
      const r = searchPlans(m, batch.global, c, s.precision, { flashAttention: s.flashAttention, ...(shardings ? { shardings } : {}) });
      console.log(v.json ? JSON.stringify({ best: r.best, ranked: r.ranked.slice(0, num(v, 'top')), evaluated: r.evaluated, overMemory: r.overMemory, invalid: r.invalid }, null, 2) : formatSearch(r, num(v, 'top')));
      return r.best ? 0 : 1;
    }
    const input = { model: m, batch, cluster: c, strategy: strategy(v), trainableFraction: num(v, 'trainable-fraction') };
    const plan = v['allow-over-memory'] ? evaluatePlan(input) : planTraining(input);
    console.log(v.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
    return 0;
  },
};

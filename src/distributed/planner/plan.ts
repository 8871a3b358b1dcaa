// The planner: memory per device, communication per step by link, the simulated pipeline bubble,
// step time and achieved FLOP/s of one training configuration.
import { check, fail } from '../../util/errors.ts';
import { addCost, collectiveCost, p2pCost, zeroCost, type CollectiveCost, type Layout } from './collectives.ts';
import { activationBytesPerLayer, modelStateBytes, stageActivationBytes, type ActivationInput } from './memory.ts';
import { attentionCoreFlops, embeddingParams, layerForwardFlops, layerParams, logitForwardFlops, stepFlops, totalParams, validateShape } from './model.ts';
import { peakInFlight, scheduleOps, validateSchedule } from './schedule.ts';
import { bytesPerElement, optimizerTraffic, parseSharding, stepCollectives, type DpGroups, type Scope } from './sharding.ts';
import { simulateSchedule } from './simulate.ts';
import type { BatchSpec, ClusterSpec, CollectiveTerm, MemoryBreakdown, ModelShape, PlanResult, Strategy } from './types.ts';

export interface PlanInput {
  readonly model: ModelShape;
  readonly batch: BatchSpec;
  readonly cluster: ClusterSpec;
  readonly strategy: Strategy;
  /** Fraction Ψ′/Ψ of parameters that train (1 = full training; PaRO's PEFT cases use less). */
  readonly trainableFraction?: number;
}

const GB = 1e9;

/** Derived sizes of a plan, with every divisibility constraint checked and named. */
export function planLayout(input: PlanInput): { devices: number; dp: number; microbatches: number; dpGroups: DpGroups } {
  const { model, batch, cluster, strategy: s } = input;
  const where = 'planner';
  validateShape(model, where);
  const devices = cluster.devicesPerNode * cluster.nodes;
  check(Number.isInteger(s.tp) && s.tp >= 1, where, `strategy.tp must be a positive integer, got ${s.tp}`);
  check(Number.isInteger(s.pp) && s.pp >= 1, where, `strategy.pp must be a positive integer, got ${s.pp}`);
  check(model.heads % s.tp === 0, where, `tensor parallel size tp = ${s.tp} must divide the attention heads (${model.heads})`);
  check(model.kvHeads % s.tp === 0 || s.tp % model.kvHeads === 0, where, `tensor parallel size tp = ${s.tp} must divide or be a multiple of the key/value heads (${model.kvHeads})`);
  check(model.layers % (s.pp * s.virtualStages) === 0, where,
    `pipeline size p = ${s.pp} times virtual stages v = ${s.virtualStages} must divide the layers (${model.layers})`);
  check(devices % (s.tp * s.pp) === 0, where, `tp × pp = ${s.tp * s.pp} must divide the devices (${devices} = ${cluster.nodes} nodes × ${cluster.devicesPerNode})`);
  const dp = devices / (s.tp * s.pp);
  check(Number.isInteger(batch.micro) && batch.micro >= 1, where, `batch.micro must be a positive integer, got ${batch.micro}`);
  check(batch.global % (batch.micro * dp) === 0, where,
    `global batch ${batch.global} must be a multiple of micro batch ${batch.micro} × data-parallel size ${dp}`);
  const microbatches = batch.global / (batch.micro * dp);
  validateSchedule({ schedule: s.schedule, stages: s.pp, microbatches, virtualStages: s.virtualStages }, where);
  const fraction = input.trainableFraction ?? 1;
  check(fraction > 0 && fraction <= 1, where, `trainable fraction Ψ′/Ψ must be in (0, 1], got ${fraction}`);
  check(!s.offloadParams || parseSharding(s.sharding).params === 'G', where, `parameter offload needs globally partitioned parameters (sharding G??, ZeRO stage 3), got '${s.sharding}'`);
  // Ranks are placed tp fastest, then dp, then pp: a node holds devicesPerNode/tp ranks of each dp group.
  const perNode = Math.max(1, Math.floor(cluster.devicesPerNode / s.tp));
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const m = gcd(dp, perNode);
  return { devices, dp, microbatches, dpGroups: { n: dp, m } };
}

function scopeLayout(scope: Scope, dp: DpGroups): Layout {
  if (scope === 'intra') return { k: dp.m, g: 1 };
  if (scope === 'inter') return { k: 1, g: dp.n / dp.m };
  return { k: dp.m, g: dp.n / dp.m };
}

/** Memory per device of the worst pipeline rank (rank 0 stashes the most microbatches). */
export function estimateMemory(input: PlanInput): { memory: MemoryBreakdown; fits: boolean; psiRank: number } {
  const { model, batch, cluster, strategy: s } = input;
  const { microbatches: mb, dpGroups } = planLayout(input);
  const sharding = parseSharding(s.sharding);
  const bytes = bytesPerElement(s.precision);
  const fraction = input.trainableFraction ?? 1;
  const p = s.pp;
  const t = s.tp;
  const layersPerStage = model.layers / p;
  // Parameters of the largest stage: the first holds the embeddings, the last the head (and a tied copy).
  const emb = embeddingParams(model);
  const blocks = layersPerStage * layerParams(model);
  const first = blocks + emb.input + (p === 1 ? emb.output : 0);
  const last = blocks + emb.output + (model.tiedEmbeddings && p > 1 ? model.vocab * model.hidden : 0);
  const psiRank = Math.max(first, last) / t;
  const states = modelStateBytes({ psi: psiRank, trainable: psiRank * fraction, sharding, dp: dpGroups, precision: s.precision, offloadOptimizer: s.offloadOptimizer, offloadParams: s.offloadParams });
  const spec = { schedule: s.schedule, stages: p, microbatches: mb, virtualStages: s.virtualStages };
  const inFlight = peakInFlight(scheduleOps(spec)[0]!, s.virtualStages);
  const activations = stageActivationBytes(activationInput(input), layersPerStage, inFlight);
  const gatherBuffers = sharding.params === 'N' ? 0 : 2 * bytes.param * layerParams(model) / t;
  const logits = 4 * batch.micro * model.seqLen * model.vocab / t;
  const buffers = gatherBuffers + logits;
  const total = states.parameters + states.gradients + states.optimizer + activations + buffers;
  return { memory: { ...states, activations, buffers, total }, fits: total <= cluster.device.memoryBytes, psiRank };
}

function activationInput(input: PlanInput): ActivationInput {
  const s = input.strategy;
  return { model: input.model, micro: input.batch.micro, tp: s.tp, recompute: s.recompute, sequenceParallel: s.sequenceParallel, flashAttention: s.flashAttention, precision: s.precision };
}

/** Evaluates a plan without enforcing the memory limit (see `planTraining`). */
export function evaluatePlan(input: PlanInput): PlanResult {
  const { model, batch, cluster, strategy: s } = input;
  const { devices, dp, microbatches: mb, dpGroups } = planLayout(input);
  const { memory, fits, psiRank } = estimateMemory(input);
  const sharding = parseSharding(s.sharding);
  const bytes = bytesPerElement(s.precision);
  const actBytes = s.precision === 'mixed' ? 2 : 4;
  const fraction = input.trainableFraction ?? 1;
  const p = s.pp;
  const t = s.tp;
  const layersPerStage = model.layers / p;
  const spec = { schedule: s.schedule, stages: p, microbatches: mb, virtualStages: s.virtualStages };
  const act = activationInput(input);

  // Compute per microbatch per stage, split into forward and backward (recomputation runs in backward).
  const device = cluster.device;
  const rate = (s.precision === 'mixed' ? device.peakFlops16 : device.peakFlops32) * device.efficiency;
  // Causal flash attention skips the masked half of the scores; FLOP/s are still reported on the full count.
  const skipped = s.flashAttention ? 0.5 * attentionCoreFlops(model) : 0;
  const fwdFlops = batch.micro * (model.layers * (layerForwardFlops(model) - skipped) + logitForwardFlops(model));
  const allFlops = stepFlops(model, batch.micro, s.recompute) - batch.micro * model.layers * skipped * (s.recompute === 'full' ? 4 : s.recompute === 'selective' ? 4 : 3);
  const tpLayout: Layout = { k: Math.min(t, cluster.devicesPerNode), g: Math.ceil(t / cluster.devicesPerNode) };
  const tpAr = t > 1 ? collectiveCost('AR', batch.micro * model.seqLen * model.hidden * actBytes, tpLayout, cluster) : zeroCost();
  const tpFwd = addCost(zeroCost(), tpAr, 2 * layersPerStage);
  const tpBwd = addCost(zeroCost(), tpAr, (s.recompute === 'full' ? 4 : 2) * layersPerStage);

  // Data-parallel collectives on this rank's share of the parameters.
  const colls = stepCollectives(sharding, psiRank, psiRank * fraction, bytes, dpGroups, 1);
  let dpFwd = zeroCost();
  let dpBwd = zeroCost();
  let dpBoundary = zeroCost();
  const terms: CollectiveTerm[] = [];
  for (const c of colls) {
    if (dp === 1) break;
    const cost = collectiveCost(c.op, c.bytes, scopeLayout(c.scope, dpGroups), cluster);
    const times = c.phase === 'micro' ? mb : 1;
    terms.push({ what: c.what, phase: c.phase, op: c.op, scope: c.scope, timesPerStep: times, intraNode: times * cost.intraBytes, interNode: times * cost.interBytes, seconds: times * cost.seconds });
    if (c.phase === 'boundary') dpBoundary = addCost(dpBoundary, cost);
    else if (c.pass === 'forward') dpFwd = addCost(dpFwd, cost);
    else dpBwd = addCost(dpBwd, cost);
  }

  // Elementwise work (norms, softmax, dropout, GeLU) is memory-bound: each byte a block saves for
  // backward is written once per forward pass and read once in backward (plus its gradient written).
  const elementwise = layersPerStage * activationBytesPerLayer(act, 'none') / device.memoryBandwidth;
  // Offloaded parameters cross the host link before each forward and backward; offloaded optimizer
  // states mean gradients go down and updated parameters come back once per step (host compute not modelled).
  const ownedParams = psiRank / (sharding.params === 'G' ? dp : 1);
  const paramFetch = s.offloadParams ? bytes.param * ownedParams / device.hostBandwidth : 0;
  const owned = psiRank * fraction / (sharding.optimizer === 'G' ? dp : sharding.optimizer === 'I' ? dpGroups.m : 1);
  const hostSync = s.offloadOptimizer ? (bytes.grad + bytes.param) * owned / device.hostBandwidth : 0;
  const optimizerStep = s.offloadOptimizer ? 0 : owned * optimizerTraffic(s.precision) / device.memoryBandwidth;
  const forward = fwdFlops / (p * t * rate) + elementwise + tpFwd.seconds + dpFwd.seconds + paramFetch;
  const backward = (allFlops - fwdFlops) / (p * t * rate) + (s.recompute === 'full' ? 3 : 2) * elementwise + tpBwd.seconds + dpBwd.seconds + paramFetch;
  const stageCross = p > 1 && t * dp >= cluster.devicesPerNode;
  const hopBytes = batch.micro * model.seqLen * model.hidden * actBytes / (s.scatterGather ? t : 1);
  const hop = p > 1 ? p2pCost(hopBytes, stageCross, cluster) : zeroCost();
  const sim = simulateSchedule(spec, { forward, backward, p2p: hop.seconds }, false);
  const step = sim.makespan + dpBoundary.seconds + hostSync + optimizerStep;

  const tpStep = addCost(zeroCost(), addCost(tpFwd, tpBwd), mb);
  const ppStep = addCost(zeroCost(), hop, 2 * mb * s.virtualStages);
  const dpStep = addCost(dpBoundary, addCost(dpFwd, dpBwd), mb);
  const kind = (c: CollectiveCost) => ({ intraNode: c.intraBytes, interNode: c.interBytes, seconds: c.seconds });
  const flopsPerStep = stepFlops(model, batch.global, s.recompute);
  return {
    model, batch, cluster, strategy: s, dp, microbatches: mb,
    parameters: totalParams(model),
    flopsPerStep,
    memory,
    fits,
    dataParallelCollectives: terms,
    comm: {
      intraNode: tpStep.intraBytes + ppStep.intraBytes + dpStep.intraBytes,
      interNode: tpStep.interBytes + ppStep.interBytes + dpStep.interBytes,
      byKind: { tensorParallel: kind(tpStep), pipeline: kind(ppStep), dataParallel: kind(dpStep) },
    },
    time: { step, pipeline: sim.makespan, dataParallel: dpBoundary.seconds, hostTransfer: hostSync, optimizer: optimizerStep, bubble: sim.bubble, computePerMicrobatch: forward + backward },
    achievedFlopsPerDevice: flopsPerStep / (devices * step),
    tokensPerSecond: batch.global * model.seqLen / step,
  };
}

/** Evaluates a plan and refuses one that does not fit the device's memory, naming every term. */
export function planTraining(input: PlanInput): PlanResult {
  const plan = evaluatePlan(input);
  if (!plan.fits) {
    const m = plan.memory;
    const f = (x: number) => `${(x / GB).toFixed(2)} GB`;
    fail('planner', `memory per device ${f(m.total)} exceeds the device memory ${f(plan.cluster.device.memoryBytes)} of ${plan.cluster.device.name} `
      + `(parameters ${f(m.parameters)}, gradients ${f(m.gradients)}, optimizer ${f(m.optimizer)}, activations ${f(m.activations)}, buffers ${f(m.buffers)})`);
  }
  return plan;
}

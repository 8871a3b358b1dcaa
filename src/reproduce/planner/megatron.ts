// Megatron-LM's Table 1 (weak scaling), Table 2 (training days vs ZeRO-3) and the pipeline
// schedules' bubbles, from the planner's counts, step-time model and schedule simulator.
import { clusterPreset, defaultStrategy, evaluatePlan, gptShape, megatronEq3, simulateSchedule, totalParams } from '../../distributed/planner/index.ts';
import type { ClusterSpec, ModelShape, PlanResult, Strategy } from '../../distributed/planner/index.ts';
import { loadPaperData } from '../data.ts';
import { absClaim, relClaim, type Claim, type Table } from '../report.ts';

interface T1Row { paramsB: number; heads: number; hidden: number; layers: number; tp: number; pp: number; gpus: number; batch: number; tflops: number }
interface T1 { vocab: number; seqLen: number; rows: T1Row[] }
interface T2Row { scheme: string; paramsB: number; mp: number; batch: number; gpus: number; micro: number; tflops: number; days: number }
interface T2 { tokens: number; shapes: Record<string, { layers: number; hidden: number; heads: number }>; rows: T2Row[]; estimates: { source: string; rows: { model: string; tokens: number; gpus: number; tflops: number; days: number }[] } }
interface Sched { forwardMs: number; backwardMs: number; rows: { p: number; m: number; v: number; makespanMs: number }[]; figure11: { p: number; m: number; relativeThroughput: number } }

/** Rows of Table 1 the A100's efficiency is fitted on; the other seven are checked. */
export const FIT_ROWS = [2, 5, 8];
export const TFLOPS_TOLERANCE = 0.15;

function selene(gpus: number, efficiency: number): ClusterSpec {
  const c = clusterPreset('dgx-a100', gpus / 8);
  return { ...c, device: { ...c.device, efficiency } };
}

/** The paper's PTD-P setting for (t, p): microbatch 1, full recomputation, the best v the layers allow. */
export function ptdpPlan(model: ModelShape, tp: number, pp: number, batch: number, gpus: number, efficiency: number, vs?: readonly number[]): PlanResult {
  let best: PlanResult | null = null;
  for (const v of vs ?? (pp === 1 ? [1] : [1, 2, 3, 4, 5, 6, 8])) {
    if (model.layers % (pp * v) !== 0) continue;
    const strategy: Strategy = { ...defaultStrategy, tp, pp, virtualStages: v, schedule: v > 1 ? 'interleaved' : '1f1b', recompute: 'full' };
    try {
      const plan = evaluatePlan({ model, batch: { global: batch, micro: 1 }, cluster: selene(gpus, efficiency), strategy });
      if (!best || plan.time.step < best.time.step) best = plan;
    } catch {
      // A v the schedule's constraints refuse is skipped.
    }
  }
  if (!best) throw new Error(`no valid interleaving for t=${tp} p=${pp}`);
  return best;
}

const t1 = () => loadPaperData<T1>('megatron-table1.json');
const shape = (t: T1, r: T1Row) => gptShape(`${r.paramsB}B`, r.layers, r.hidden, r.heads, t.vocab, t.seqLen);

export function predictTable1(efficiency: number): { row: T1Row; plan: PlanResult }[] {
  const t = t1();
  return t.rows.map((row) => ({ row, plan: ptdpPlan(shape(t, row), row.tp, row.pp, row.batch, row.gpus, efficiency) }));
}

/** One constant per device type: the A100 efficiency minimising the squared log error on FIT_ROWS (golden section). */
export function fitEfficiency(): number {
  const t = t1();
  // The best v hardly depends on the efficiency: choose it once, then fit with it fixed.
  const vs = FIT_ROWS.map((i) => { const r = t.rows[i]!; return ptdpPlan(shape(t, r), r.tp, r.pp, r.batch, r.gpus, 0.6).strategy.virtualStages; });
  const loss = (e: number) => FIT_ROWS.reduce((a, i, k) => {
    const r = t.rows[i]!;
    const x = ptdpPlan(shape(t, r), r.tp, r.pp, r.batch, r.gpus, e, [vs[k]!]).achievedFlopsPerDevice / 1e12;
    return a + Math.log(x / r.tflops) ** 2;
  }, 0);
  let a = 0.3;
  let b = 0.95;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 20; i++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (loss(c) < loss(d)) b = d; else a = c;
  }
  return Math.round(((a + b) / 2) * 1000) / 1000;
}

export function megatronClaims(efficiency: number) {
  const t = t1();
  const predicted = predictTable1(efficiency);
  const claims: Claim[] = [];
  let worstParams = 0;
  const rows1 = predicted.map(({ row, plan }, i) => {
    const p = totalParams(shape(t, row)) / 1e9;
    worstParams = Math.max(worstParams, Math.abs(p - row.paramsB));
    const x = plan.achievedFlopsPerDevice / 1e12;
    const fit = FIT_ROWS.includes(i);
    claims.push(relClaim({ id: `megatron-t1-tflops-${row.paramsB}B`, claim: `${row.paramsB}B (t=${row.tp}, p=${row.pp}, n=${row.gpus}) TFLOP/s per GPU${fit ? ' [fit row]' : ''}`, paper: row.tflops, measured: +x.toFixed(1), source: 'Megatron Table 1' }, TFLOPS_TOLERANCE));
    return [row.paramsB, p.toFixed(3), row.tp, row.pp, plan.strategy.virtualStages, row.gpus, row.batch, row.tflops, x.toFixed(1), `${((x / row.tflops - 1) * 100).toFixed(1)} %`, plan.time.bubble.toFixed(4), (plan.memory.total / 1e9).toFixed(1), fit ? 'fit' : 'check'];
  });
  claims.unshift({ id: 'megatron-t1-params', claim: 'parameter count from the shape, all 10 rows', paper: 'Table 1 P', measured: `worst |Δ| = ${worstParams.toFixed(3)} B`, tolerance: '±0.05 B', pass: worstParams <= 0.05, source: 'Megatron Table 1' });

  const t2 = loadPaperData<T2>('megatron-table2.json');
  let worstDays = 0;
  const dev = { ptdp: 0, zero3Min: Infinity, zero3Max: 0 };
  const rows2 = t2.rows.map((r) => {
    const s = t2.shapes[String(r.paramsB)]!;
    const model = gptShape(`${r.paramsB}B`, s.layers, s.hidden, s.heads, t.vocab, t.seqLen);
    const iterations = t2.tokens / (r.batch * t.seqLen);
    const days = iterations * megatronEq3(r.batch, t.seqLen, s.layers, s.hidden, t.vocab) / (r.gpus * r.tflops * 1e12) / 86400;
    worstDays = Math.max(worstDays, Math.abs(days - r.days));
    const plan = r.scheme === 'ZeRO-3'
      ? evaluatePlan({ model, batch: { global: r.batch, micro: r.micro }, cluster: selene(r.gpus, efficiency), strategy: { ...defaultStrategy, sharding: 'GGG', recompute: 'full' } })
      : ptdpPlan(model, 8, r.mp / 8, r.batch, r.gpus, efficiency);
    const x = plan.achievedFlopsPerDevice / 1e12;
    const predDays = iterations * plan.time.step / 86400;
    if (r.scheme === 'PTD-P') dev.ptdp = Math.max(dev.ptdp, Math.abs(x / r.tflops - 1));
    else { dev.zero3Min = Math.min(dev.zero3Min, x); dev.zero3Max = Math.max(dev.zero3Max, x); }
    return [r.scheme, r.paramsB, r.gpus, r.batch, r.micro, r.tflops, r.days, days.toFixed(2), x.toFixed(1), predDays.toFixed(1), plan.fits ? 'yes' : 'no'];
  });
  claims.push({ id: 'megatron-t2-days', claim: 'training days for 300B tokens, all 12 rows (ZeRO-3 and PTD-P), Eq. 3 at the measured TFLOP/s', paper: 'Table 2 days', measured: `worst |Δ| = ${worstDays.toFixed(2)} days`, tolerance: '±1 day', pass: worstDays <= 1, source: 'Megatron Table 2' });
  for (const e of t2.estimates.rows) {
    const m = e.model === 'gpt3-175b' ? { l: 96, h: 12288 } : { l: 128, h: 25600 };
    const perToken = megatronEq3(1, t.seqLen, m.l, m.h, t.vocab) / t.seqLen;
    const days = e.tokens * perToken / (e.gpus * e.tflops * 1e12) / 86400;
    claims.push(absClaim({ id: `megatron-days-${e.model}`, claim: `${e.model}: ${e.tokens / 1e9}B tokens on ${e.gpus} GPUs at ${e.tflops} TFLOP/s`, paper: e.days, measured: +days.toFixed(2), source: 'Megatron §5.1' }, 1, 'day'));
  }

  const sched = loadPaperData<Sched>('megatron-schedule.json');
  const bubbleRows: { p: number; m: number; v: number; bubble: number; closedForm: number }[] = [];
  const rows3 = sched.rows.map((r) => {
    const sim = simulateSchedule({ schedule: r.v === 1 ? '1f1b' : 'interleaved', stages: r.p, microbatches: r.m, virtualStages: r.v }, { forward: sched.forwardMs, backward: sched.backwardMs, p2p: 0 });
    const closed = (r.p - 1) / (r.v * r.m);
    claims.push(relClaim({ id: `schedule-p${r.p}-m${r.m}-v${r.v}`, claim: `makespan (ms), p=${r.p} m=${r.m} v=${r.v}; bubble (p−1)/(v·m) = ${closed}`, paper: r.makespanMs, measured: sim.makespan, source: 'Megatron §2.2' }, 0));
    return [r.p, r.m, r.v, r.makespanMs, sim.makespan, closed, sim.bubble];
  });
  for (const p of [4, 8]) for (const m of [8, 16, 32, 64]) for (const v of [1, 2, 4]) {
    const sim = simulateSchedule({ schedule: v === 1 ? '1f1b' : 'interleaved', stages: p, microbatches: m, virtualStages: v }, { forward: 20, backward: 40, p2p: 0 });
    bubbleRows.push({ p, m, v, bubble: sim.bubble, closedForm: (p - 1) / (v * m) });
  }
  const f11 = sched.figure11;
  const pipe = simulateSchedule({ schedule: '1f1b', stages: f11.p, microbatches: f11.m, virtualStages: 1 }, { forward: 1, backward: 2, p2p: 0 });
  claims.push(relClaim({ id: 'megatron-fig11', claim: `throughput at p=${f11.p}, m=${f11.m} relative to p=1`, paper: f11.relativeThroughput, measured: +(pipe.ideal / pipe.makespan).toFixed(4), source: 'Megatron Fig. 11' }, 0.1));

  // Fig. 12: interleaving on GPT-3 175B, 96 GPUs (t = 8, p = 12): its gain shrinks as the batch grows.
  const gpt3 = gptShape('gpt3-175b', 96, 12288, 96, t.vocab, t.seqLen);
  const gains = [12, 24, 36, 48, 60].map((B) => {
    const plain = ptdpPlan(gpt3, 8, 12, B, 96, efficiency, [1]);
    const inter = ptdpPlan(gpt3, 8, 12, B, 96, efficiency, [2]);
    return { B, plain: plain.achievedFlopsPerDevice / 1e12, inter: inter.achievedFlopsPerDevice / 1e12, gain: inter.achievedFlopsPerDevice / plain.achievedFlopsPerDevice - 1 };
  });
  const shrinking = gains.every((g, i) => g.gain > 0 && (i === 0 || g.gain < gains[i - 1]!.gain));
  claims.push({ id: 'megatron-fig12-interleaving', claim: 'interleaved (v = 2) beats 1F1B on 175B, 96 GPUs, and the gain shrinks as the batch grows (B = 12..60)', paper: 'up to +10 %, gap closes with batch', measured: gains.map((g) => `${(g.gain * 100).toFixed(1)} %`).join(', '), tolerance: 'positive, decreasing (size reported, not gated)', pass: shrinking, source: 'Megatron Fig. 12' });

  const tables: Table[] = [
    { title: 'Megatron Table 1: weak scaling, planner vs paper', columns: ['P (B)', 'P planner (B)', 't', 'p', 'v chosen', 'GPUs', 'B', 'TFLOP/s paper', 'TFLOP/s planner', 'Δ', 'bubble', 'memory (GB)', 'row use'], rows: rows1, note: `${t.source}. A100 efficiency ${efficiency} (fitted on rows ${FIT_ROWS.map((i) => t.rows[i]!.paramsB).join(', ')}B).` },
    { title: 'Megatron Table 2: PTD-P vs ZeRO-3, 300B tokens', columns: ['scheme', 'P (B)', 'GPUs', 'B', 'b', 'TFLOP/s paper', 'days paper', 'days Eq. 3', 'TFLOP/s planner', 'days planner', 'fits 80 GB'], rows: rows2, note: `${t2.source}. "days Eq. 3" uses the paper's measured TFLOP/s (the gated check); the planner columns are its own prediction, reported, not gated.` },
    { title: 'Interleaving on GPT-3 175B, 96 GPUs (t = 8, p = 12, b = 1): planner TFLOP/s per GPU', columns: ['B', '1F1B', 'interleaved v = 2', 'gain'], rows: gains.map((g) => [g.B, g.plain.toFixed(1), g.inter.toFixed(1), `${(g.gain * 100).toFixed(1)} %`]), note: 'The paper reports up to +10 % from interleaving at small batch; the planner, whose only loss from interleaving is v-fold p2p traffic, predicts a larger gain at the smallest batch.' },
    { title: 'Pipeline schedules: simulated makespan and bubble (t_f = 20 ms, t_b = 40 ms, free p2p)', columns: ['p', 'm', 'v', 'makespan spec (ms)', 'makespan simulated (ms)', '(p−1)/(v·m)', 'bubble simulated'], rows: rows3, note: sched.source },
  ];
  return { claims, tables, predicted, bubbleRows, table2Deviation: dev };
}

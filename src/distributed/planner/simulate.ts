// Discrete-event simulation of a pipeline schedule: each rank runs its op list strictly in order;
// a forward waits for the previous virtual stage's forward, a backward for the next stage's backward,
// and every hop between ranks costs the p2p time δ.
import { fail } from '../../util/errors.ts';
import { scheduleOps, type PipeOp, type ScheduleSpec } from './schedule.ts';

export interface SimulationCosts {
  /** Forward and backward seconds of one whole stage (all its chunks) for one microbatch. */
  readonly forward: number;
  readonly backward: number;
  /** Seconds to send activations or gradients between adjacent stages (latency + bytes / bandwidth). */
  readonly p2p: number;
}

export interface TimedOp extends PipeOp {
  readonly start: number;
  readonly end: number;
}

export interface SimulationResult {
  /** Per rank, its ops with start and end times (empty when run without a timeline). */
  readonly ops: TimedOp[][];
  readonly makespan: number;
  /** m·(t_f + t_b): the time with no idle rank. */
  readonly ideal: number;
  /** (makespan − ideal) / ideal. */
  readonly bubble: number;
}

/** `timeline: false` skips recording every op's start and end (the planner only needs the makespan). */
export function simulateSchedule(spec: ScheduleSpec, costs: SimulationCosts, timeline = true): SimulationResult {
  const lists = scheduleOps(spec);
  const p = spec.stages;
  const v = spec.virtualStages;
  const m = spec.microbatches;
  const q = p * v;
  const tf = costs.forward / v;
  const tb = costs.backward / v;
  // done[(kind·m + microbatch)·q + virtualStage] = finish time, NaN while pending.
  const done = new Float64Array(2 * m * q).fill(Number.NaN);
  const key = (kind: 'F' | 'B', mb: number, stage: number): number => ((kind === 'F' ? 0 : 1) * m + mb) * q + stage;
  const next = new Array<number>(p).fill(0);
  const free = new Array<number>(p).fill(0);
  const timed: TimedOp[][] = lists.map(() => []);
  let remaining = lists.reduce((a, l) => a + l.length, 0);
  // Worklist of ranks whose next op may have become ready; finishing an op wakes the ranks of its dependents.
  const queue: number[] = lists.map((_, r) => r);
  const queued = new Array<boolean>(p).fill(true);
  const wake = (r: number): void => { if (!queued[r]) { queued[r] = true; queue.push(r); } };
  while (queue.length > 0) {
    const r = queue.shift()!;
    queued[r] = false;
    const list = lists[r]!;
    while (next[r]! < list.length) {
      const op = list[next[r]!]!;
      const stage = op.chunk * p + r;
      let ready: number;
      if (op.kind === 'F') {
        ready = stage === 0 ? 0 : done[key('F', op.microbatch, stage - 1)]! + costs.p2p;
      } else if (stage === q - 1) {
        ready = done[key('F', op.microbatch, stage)]!;
      } else {
        ready = done[key('B', op.microbatch, stage + 1)]! + costs.p2p;
      }
      if (Number.isNaN(ready)) break;
      const start = Math.max(free[r]!, ready);
      const end = start + (op.kind === 'F' ? tf : tb);
      done[key(op.kind, op.microbatch, stage)] = end;
      free[r] = end;
      if (timeline) timed[r]!.push({ kind: op.kind, microbatch: op.microbatch, chunk: op.chunk, start, end });
      next[r]!++;
      remaining--;
      if (op.kind === 'F' && stage + 1 < q) wake((stage + 1) % p);
      if (op.kind === 'B' && stage > 0) wake((stage - 1) % p);
    }
  }
  if (remaining > 0) {
    const stuck = lists.map((l, r) => `rank ${r} at ${l[next[r]!]?.kind}${l[next[r]!]?.microbatch}`).join(', ');
    fail('simulateSchedule', `the schedule deadlocks (${stuck})`);
  }
  const makespan = Math.max(...free);
  const ideal = m * (costs.forward + costs.backward);
  return { ops: timed, makespan, ideal, bubble: ideal > 0 ? (makespan - ideal) / ideal : 0 };
}

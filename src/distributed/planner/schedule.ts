// Pipeline schedules as explicit per-rank op lists (GPipe, 1F1B, interleaved 1F1B), in the order
// each rank executes them; the simulator and the runtime both consume these lists.
import { check } from '../../util/errors.ts';
import type { PipelineSchedule } from './types.ts';

export interface PipeOp {
  readonly kind: 'F' | 'B';
  readonly microbatch: number;
  /** Model chunk on this rank (0 unless interleaved); its virtual stage is chunk·p + rank. */
  readonly chunk: number;
}

export interface ScheduleSpec {
  readonly schedule: PipelineSchedule;
  /** Pipeline ranks p. */
  readonly stages: number;
  /** Microbatches m per step. */
  readonly microbatches: number;
  /** Chunks per rank v (interleaved only). */
  readonly virtualStages: number;
  /** Microbatch group size N of the interleaved schedule; defaults to the smallest valid N >= p. */
  readonly groupSize?: number;
}

/** Throws a clear error for schedules that would deadlock or that Megatron refuses. */
export function validateSchedule(s: ScheduleSpec, where = 'schedule'): void {
  const { stages: p, microbatches: m, virtualStages: v } = s;
  check(Number.isInteger(p) && p >= 1, where, `pipeline size p must be a positive integer, got ${p}`);
  check(Number.isInteger(m) && m >= 1, where, `microbatches m must be a positive integer, got ${m}`);
  check(Number.isInteger(v) && v >= 1, where, `virtual stages v must be a positive integer, got ${v}`);
  if (s.schedule !== 'interleaved') {
    check(v === 1, where, `virtual stages v = ${v} needs the interleaved schedule (got '${s.schedule}')`);
    return;
  }
  check(m >= p, where, `interleaved schedule needs microbatches m >= pipeline size p (m = ${m}, p = ${p})`);
  const n = s.groupSize ?? defaultGroupSize(p, m);
  check(n >= p && n <= m, where, `interleaved group size N must satisfy p <= N <= m (N = ${n}, p = ${p}, m = ${m})`);
  const r = m % n;
  check(r === 0 || r >= p, where, `interleaved schedule needs m mod N in {0} or [p, N) (m = ${m}, N = ${n}, p = ${p})`);
}

/** Smallest group size N >= p with m mod N in {0} or [p, N): p itself whenever p divides m. */
export function defaultGroupSize(p: number, m: number): number {
  let n = p;
  while (n < m && !(m % n === 0 || m % n >= p)) n++;
  return n;
}

function gpipe(m: number): PipeOp[] {
  const ops: PipeOp[] = [];
  for (let i = 0; i < m; i++) ops.push({ kind: 'F', microbatch: i, chunk: 0 });
  for (let i = 0; i < m; i++) ops.push({ kind: 'B', microbatch: i, chunk: 0 });
  return ops;
}

/** PipeDream-Flush: p − r − 1 warm-up forwards, then one forward / one backward, then the cool-down. */
function oneFOneB(p: number, m: number, r: number): PipeOp[] {
  const warm = Math.min(p - r - 1, m);
  const ops: PipeOp[] = [];
  for (let i = 0; i < warm; i++) ops.push({ kind: 'F', microbatch: i, chunk: 0 });
  for (let i = 0; i < m - warm; i++) {
    ops.push({ kind: 'F', microbatch: warm + i, chunk: 0 });
    ops.push({ kind: 'B', microbatch: i, chunk: 0 });
  }
  for (let i = m - warm; i < m; i++) ops.push({ kind: 'B', microbatch: i, chunk: 0 });
  return ops;
}

/** Interleaved 1F1B: groups of N microbatches walk through the v chunks; backwards visit chunks in reverse. */
function interleaved(p: number, m: number, v: number, n: number, r: number): PipeOp[] {
  const table: { microbatch: number; chunk: number }[] = [];
  for (let g = 0; g < m; g += n) {
    const size = Math.min(n, m - g);
    for (let c = 0; c < v; c++) for (let j = 0; j < size; j++) table.push({ microbatch: g + j, chunk: c });
  }
  const total = m * v;
  const warm = m === p ? total : Math.min(2 * (p - r - 1) + (v - 1) * n, total);
  const fwd = (k: number): PipeOp => ({ kind: 'F', ...table[k]! });
  const bwd = (k: number): PipeOp => ({ kind: 'B', microbatch: table[k]!.microbatch, chunk: v - 1 - table[k]!.chunk });
  const ops: PipeOp[] = [];
  for (let k = 0; k < warm; k++) ops.push(fwd(k));
  for (let i = 0; i < total - warm; i++) {
    ops.push(fwd(warm + i));
    ops.push(bwd(i));
  }
  for (let i = total - warm; i < total; i++) ops.push(bwd(i));
  return ops;
}

/** The op list of every pipeline rank, rank 0 first. */
export function scheduleOps(s: ScheduleSpec): PipeOp[][] {
  validateSchedule(s);
  const { stages: p, microbatches: m, virtualStages: v } = s;
  const out: PipeOp[][] = [];
  for (let r = 0; r < p; r++) {
    if (s.schedule === 'gpipe') out.push(gpipe(m));
    else if (s.schedule === '1f1b') out.push(oneFOneB(p, m, r));
    else out.push(interleaved(p, m, v, s.groupSize ?? defaultGroupSize(p, m), r));
  }
  return out;
}

/** Most microbatches whose activations a rank holds at once (forwards done, backwards pending), per chunk-equivalent. */
export function peakInFlight(ops: readonly PipeOp[], virtualStages: number): number {
  let live = 0;
  let peak = 0;
  for (const op of ops) {
    live += op.kind === 'F' ? 1 : -1;
    peak = Math.max(peak, live);
  }
  return peak / virtualStages;
}

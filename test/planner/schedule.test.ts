import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleOps, simulateSchedule, validateSchedule, peakInFlight } from '../../src/distributed/planner/index.ts';
import type { ScheduleSpec } from '../../src/distributed/planner/index.ts';

const spec = (p: number, m: number, v: number): ScheduleSpec => ({ schedule: v === 1 ? '1f1b' : 'interleaved', stages: p, microbatches: m, virtualStages: v });
const fmt = (ops: { kind: string; microbatch: number }[]) => ops.map((o) => `${o.kind}${o.microbatch}`).join(' ');

test('schedule: 1F1B op order for p = 4, m = 8 equals the hand-written order', () => {
  const expected = [
    'F0 F1 F2 F3 B0 F4 B1 F5 B2 F6 B3 F7 B4 B5 B6 B7',
    'F0 F1 F2 B0 F3 B1 F4 B2 F5 B3 F6 B4 F7 B5 B6 B7',
    'F0 F1 B0 F2 B1 F3 B2 F4 B3 F5 B4 F6 B5 F7 B6 B7',
    'F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5 F6 B6 F7 B7',
  ];
  assert.deepEqual(scheduleOps(spec(4, 8, 1)).map(fmt), expected);
});

test('schedule: simulated bubble equals (p-1)/(v*m) with free communication, p in {2,4,8}, m = p..64, v in {1,2,4}', () => {
  let cases = 0;
  for (const p of [2, 4, 8]) for (let m = p; m <= 64; m++) for (const v of [1, 2, 4]) {
    const r = simulateSchedule(spec(p, m, v), { forward: 20, backward: 40, p2p: 0 });
    assert.ok(Math.abs(r.bubble - (p - 1) / (v * m)) < 1e-12, `p=${p} m=${m} v=${v}: ${r.bubble}`);
    cases++;
  }
  assert.equal(cases, 3 * (63 + 61 + 57));
});

test('schedule: makespans of the Megatron spec table (t_f = 20, t_b = 40 ms) and the p2p latency penalty', () => {
  const rows: [number, number, number, number][] = [[4, 8, 1, 660], [4, 8, 2, 570], [4, 16, 1, 1140], [4, 16, 2, 1050], [4, 16, 4, 1005], [8, 16, 1, 1380], [8, 16, 2, 1170], [4, 4, 2, 330]];
  for (const [p, m, v, makespan] of rows) assert.equal(simulateSchedule(spec(p, m, v), { forward: 20, backward: 40, p2p: 0 }).makespan, makespan);
  // A hop latency δ adds 16δ (v = 1) and 14δ (v = 2) at p = 4, m = 8: more than 2(p-1)δ.
  const base1 = simulateSchedule(spec(4, 8, 1), { forward: 20, backward: 40, p2p: 0 }).makespan;
  const base2 = simulateSchedule(spec(4, 8, 2), { forward: 20, backward: 40, p2p: 0 }).makespan;
  assert.equal(simulateSchedule(spec(4, 8, 1), { forward: 20, backward: 40, p2p: 1 }).makespan - base1, 16);
  assert.equal(simulateSchedule(spec(4, 8, 2), { forward: 20, backward: 40, p2p: 1 }).makespan - base2, 14);
});

test('schedule: GPipe has the same bubble as 1F1B but stashes m microbatches instead of p - r', () => {
  const g = simulateSchedule({ schedule: 'gpipe', stages: 4, microbatches: 8, virtualStages: 1 }, { forward: 20, backward: 40, p2p: 0 });
  assert.equal(g.makespan, 660);
  const gpipe = scheduleOps({ schedule: 'gpipe', stages: 4, microbatches: 8, virtualStages: 1 });
  const ofob = scheduleOps(spec(4, 8, 1));
  assert.deepEqual(gpipe.map((ops) => peakInFlight(ops, 1)), [8, 8, 8, 8]);
  assert.deepEqual(ofob.map((ops) => peakInFlight(ops, 1)), [4, 3, 2, 1]);
  // Interleaving stashes 1 + (p-1)/(p*v) times more on rank 0 (p = 4, v = 2, m = 8: 4 * 11/8 = 5.5).
  assert.equal(peakInFlight(scheduleOps(spec(4, 8, 2))[0]!, 2), 5.5);
});

test('schedule: invalid schedules get errors naming the constraint', () => {
  assert.throws(() => validateSchedule(spec(4, 3, 2)), /microbatches m >= pipeline size p/);
  assert.throws(() => validateSchedule({ ...spec(4, 10, 2), groupSize: 4 }), /m mod N/);
  assert.throws(() => validateSchedule({ schedule: '1f1b', stages: 4, microbatches: 8, virtualStages: 2 }), /needs the interleaved schedule/);
});

test('schedule: the simulated timeline keeps each rank\'s op order and every dependency', () => {
  const s = spec(4, 8, 2);
  const sim = simulateSchedule(s, { forward: 2, backward: 4, p2p: 0.5 });
  const order = scheduleOps(s);
  const end = new Map<string, number>();
  sim.ops.forEach((ops, r) => {
    assert.deepEqual(ops.map((o) => `${o.kind}${o.microbatch}c${o.chunk}`), order[r]!.map((o) => `${o.kind}${o.microbatch}c${o.chunk}`));
    for (let i = 1; i < ops.length; i++) assert.ok(ops[i]!.start >= ops[i - 1]!.end);
    for (const o of ops) end.set(`${o.kind}${o.microbatch}q${o.chunk * 4 + r}`, o.end);
  });
  sim.ops.forEach((ops, r) => ops.forEach((o) => {
    const q = o.chunk * 4 + r;
    if (o.kind === 'F' && q > 0) assert.ok(o.start >= end.get(`F${o.microbatch}q${q - 1}`)! + 0.5);
    if (o.kind === 'B' && q < 7) assert.ok(o.start >= end.get(`B${o.microbatch}q${q + 1}`)! + 0.5);
    if (o.kind === 'B' && q === 7) assert.ok(o.start >= end.get(`F${o.microbatch}q7`)!);
  }));
  assert.equal(sim.makespan, Math.max(...sim.ops.map((ops) => ops[ops.length - 1]!.end)));
});

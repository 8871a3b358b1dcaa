import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterPreset, defaultStrategy, evaluatePlan, gptShape, modelPreset, planTraining, searchPlans, simulateSchedule } from '../../src/distributed/planner/index.ts';

const model = gptShape('g', 24, 2304, 24, 51200, 2048);
const cluster = clusterPreset('dgx-a100', 4);

test('plan: invalid plans get errors naming the constraint', () => {
  const batch = { global: 512, micro: 1 };
  assert.throws(() => evaluatePlan({ model, batch, cluster, strategy: { ...defaultStrategy, tp: 16 } }), /tensor parallel size tp = 16 must divide the attention heads \(24\)/);
  assert.throws(() => evaluatePlan({ model, batch, cluster, strategy: { ...defaultStrategy, pp: 16 } }), /pipeline size p = 16 times virtual stages v = 1 must divide the layers \(24\)/);
  assert.throws(() => evaluatePlan({ model, batch: { global: 500, micro: 1 }, cluster, strategy: defaultStrategy }), /global batch 500 must be a multiple of micro batch 1 × data-parallel size 32/);
  const big = modelPreset('gpt3-175b');
  assert.throws(() => planTraining({ model: big, batch: { global: 1536, micro: 1 }, cluster, strategy: { ...defaultStrategy, tp: 8 } }), /memory per device .* exceeds the device memory 80.00 GB of A100-SXM4-80GB \(parameters/);
  assert.throws(() => evaluatePlan({ model, batch, cluster, strategy: { ...defaultStrategy, offloadParams: true, sharding: 'NGG' } }), /parameter offload needs globally partitioned parameters/);
  assert.throws(() => evaluatePlan({ model, batch, cluster, strategy: defaultStrategy, trainableFraction: 0 }), /trainable fraction Ψ′\/Ψ must be in \(0, 1\], got 0/);
});

test('plan: the step is the simulated pipeline plus the boundary collectives; FLOP/s follow from it', () => {
  const strategy = { ...defaultStrategy, tp: 2, pp: 4, schedule: 'interleaved' as const, virtualStages: 2, recompute: 'full' as const, sharding: 'NNG' };
  const plan = evaluatePlan({ model, batch: { global: 512, micro: 2 }, cluster, strategy });
  assert.equal(plan.dp, 4);
  assert.equal(plan.microbatches, 64);
  assert.ok(Math.abs(plan.time.step - plan.time.pipeline - plan.time.dataParallel - plan.time.optimizer) < 1e-12);
  // Adam touches 28 bytes per owned parameter in mixed precision (fp32 states read and written, gradient read, 16-bit copy written).
  assert.ok(Math.abs(plan.time.optimizer - 28 * plan.memory.parameters / 2 / 4 / cluster.device.memoryBandwidth) / plan.time.optimizer < 1e-12);
  assert.ok(Math.abs(plan.achievedFlopsPerDevice * 32 * plan.time.step - plan.flopsPerStep) / plan.flopsPerStep < 1e-12);
  // With a p2p cost the bubble exceeds the closed form (p-1)/(v·m).
  assert.ok(plan.time.bubble > 3 / 128);
  const m = plan.memory;
  assert.ok(Math.abs(m.total - (m.parameters + m.gradients + m.optimizer + m.activations + m.buffers)) < 1);
  // Optimizer states are partitioned over the 4 data-parallel ranks: 12 bytes per parameter / 4.
  assert.ok(Math.abs(m.optimizer / m.parameters - 12 / 2 / 4) < 1e-12);
  assert.ok(plan.comm.byKind.tensorParallel.intraNode > 0 && plan.comm.byKind.tensorParallel.interNode === 0);
  // NNG: reduce-scatter the gradients and gather the parameters once, at the boundary; the terms sum to the data-parallel totals.
  assert.deepEqual(plan.dataParallelCollectives.map((c) => [c.op, c.phase, c.timesPerStep]), [['RS', 'boundary', 1], ['AG', 'boundary', 1]]);
  const dpBytes = plan.dataParallelCollectives.reduce((a, c) => a + c.intraNode + c.interNode, 0);
  assert.ok(Math.abs(dpBytes - plan.comm.byKind.dataParallel.intraNode - plan.comm.byKind.dataParallel.interNode) < 1);
  assert.ok(Math.abs(plan.dataParallelCollectives.reduce((a, c) => a + c.seconds, 0) - plan.time.dataParallel) < 1e-12);
  // Doubling every link's bandwidth cannot slow the plan down.
  const fast = evaluatePlan({ model, batch: { global: 512, micro: 2 }, cluster: { ...cluster, interBandwidth: 2 * cluster.interBandwidth, intraBandwidth: 2 * cluster.intraBandwidth }, strategy });
  assert.ok(fast.time.step < plan.time.step);
  assert.ok(simulateSchedule({ schedule: 'interleaved', stages: 4, microbatches: 64, virtualStages: 2 }, { forward: 1, backward: 2, p2p: 0 }).bubble === 3 / 128);
});

test('plan: search returns the fastest plan that fits, and every ranked plan fits', () => {
  const r = searchPlans(modelPreset('llama-7b'), 256, clusterPreset('dgx-h100', 2), 'mixed', { micro: [1, 2], pp: [1, 2, 4], recompute: ['none', 'full'] });
  assert.ok(r.best);
  assert.ok(r.ranked.every((p) => p.fits && p.memory.total <= 80e9));
  for (let i = 1; i < r.ranked.length; i++) assert.ok(r.ranked[i - 1]!.time.step <= r.ranked[i]!.time.step);
  assert.ok(r.overMemory > 0 && r.evaluated === r.ranked.length + r.overMemory + r.invalid);
});

test('plan: optimizer offload moves the optimizer states to the host and pays the host link once per step', () => {
  const strategy = { ...defaultStrategy, sharding: 'NGG' };
  const batch = { global: 64, micro: 1 };
  const base = evaluatePlan({ model, batch, cluster, strategy });
  const off = evaluatePlan({ model, batch, cluster, strategy: { ...strategy, offloadOptimizer: true } });
  assert.equal(off.memory.optimizer, 0);
  assert.equal(off.memory.cpu, base.memory.optimizer);
  assert.ok(Math.abs(off.memory.total - (base.memory.total - base.memory.optimizer)) < 1);
  // Each rank owns Ψ/32 of the optimizer: 2-byte gradients down, 2-byte parameters up.
  const owned = off.parameters / 32;
  assert.ok(Math.abs(off.time.hostTransfer - 4 * owned / cluster.device.hostBandwidth) / off.time.hostTransfer < 1e-3);
  assert.ok(Math.abs(off.time.step - (base.time.step - base.time.optimizer) - off.time.hostTransfer) < 1e-9);
});

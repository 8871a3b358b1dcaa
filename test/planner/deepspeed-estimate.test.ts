import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepspeedEstimate } from '../../src/distributed/planner/index.ts';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const gib = (x: number) => Math.round((x / GiB) * 100) / 100;

test('deepspeed estimate: t5-3b on 1 node × 8 GPUs equals the ZeRO spec B3 values (GiB)', () => {
  const base = { params: 2851e6, largestLayerParams: 32e6, gpusPerNode: 8, nodes: 1 };
  const s2off = deepspeedEstimate({ ...base, stage: 2, offloadOptimizer: true });
  assert.deepEqual([gib(s2off.gpu), gib(s2off.cpu)], [5.31, 127.45]);
  assert.equal(gib(deepspeedEstimate({ ...base, stage: 2, offloadOptimizer: false, legacyFormula: true }).gpu), 15.93);
  assert.equal(gib(deepspeedEstimate({ ...base, stage: 2, offloadOptimizer: false }).gpu), 11.28);
  const s3 = (offloadOptimizer: boolean, offloadParams: boolean, zeroInit: boolean) => deepspeedEstimate({ ...base, stage: 3, offloadOptimizer, offloadParams, zeroInit });
  assert.deepEqual([s3(true, true, true), s3(true, false, true), s3(false, false, true)].map((e) => gib(e.gpu)), [0.12, 0.78, 6.09]);
  assert.deepEqual([s3(true, true, true), s3(true, true, false)].map((e) => gib(e.cpu)), [71.69, 127.45]);
  assert.deepEqual([s3(true, false, true), s3(true, false, false)].map((e) => gib(e.cpu)), [63.72, 127.45]);
  assert.deepEqual([s3(false, false, true), s3(false, false, false)].map((e) => gib(e.cpu)), [1.43, 127.45]);
  assert.throws(() => s3(false, true, true), /parameter offload needs optimizer offload/);
});

test('deepspeed estimate: t5-large on 4 GPUs, stage 3 GPU memory within 1 MiB of 3291 / 125 / 477 MiB', () => {
  const base = { stage: 3 as const, params: 737.67e6, largestLayerParams: 32.90e6, gpusPerNode: 4, nodes: 1 };
  const got = [
    deepspeedEstimate({ ...base, offloadOptimizer: false }).gpu,
    deepspeedEstimate({ ...base, offloadOptimizer: true, offloadParams: true }).gpu,
    deepspeedEstimate({ ...base, offloadOptimizer: true }).gpu,
  ].map((b) => b / MiB);
  [3291, 125, 477].forEach((want, i) => assert.ok(Math.abs(got[i]! - want) <= 1, `${got[i]} vs ${want}`));
});

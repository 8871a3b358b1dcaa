import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectiveCost, clusterPreset, modelStateBytes, parseSharding, stepCollectives, bytesPerElement, zeroSharding } from '../../src/distributed/planner/index.ts';
import type { ClusterSpec, Precision } from '../../src/distributed/planner/index.ts';

const MiB = 2 ** 20;
const states = (sharding: string, psi: number, n: number, m: number, precision: Precision, trainable = psi) => {
  const r = modelStateBytes({ psi, trainable, sharding: parseSharding(sharding), dp: { n, m }, precision, offloadOptimizer: false, offloadParams: false });
  return r.parameters + r.gradients + r.optimizer;
};

test('memory: ZeRO stages in fp32 for Ψ = 2^20 equal the spec table (MiB)', () => {
  const table: Record<number, number[]> = { 2: [16, 12, 10, 8], 4: [16, 10, 7, 4], 8: [16, 9, 5.5, 2] };
  for (const [n, row] of Object.entries(table)) {
    row.forEach((mib, stage) => assert.equal(states(zeroSharding(stage), MiB, Number(n), Number(n), 'fp32'), mib * MiB));
  }
  // Mixed precision at N = 4: 16, 7, 5.5, 4 MiB; Figure 1 (7.5B, N = 64): 120, 31.4, 16.6, 1.9 GB.
  assert.deepEqual([0, 1, 2, 3].map((s) => states(zeroSharding(s), MiB, 4, 4, 'mixed') / MiB), [16, 7, 5.5, 4]);
  assert.deepEqual([0, 1, 2, 3].map((s) => Math.round(states(zeroSharding(s), 7.5e9, 64, 8, 'mixed') / 1e8) / 10), [120, 31.4, 16.6, 1.9]);
});

test('memory: PaRO strategies, n = 4 ranks in 2 groups, fp32, Ψ = 2^20 (MiB), and the PEFT case', () => {
  const expected: Record<string, number> = { NNN: 16, NNG: 10, NGG: 7, GGG: 4, III: 8, NII: 10, NIG: 8, ING: 8, IIG: 6, IGG: 5 };
  for (const [s, mib] of Object.entries(expected)) assert.equal(states(s, MiB, 4, 2, 'fp32'), mib * MiB, s);
  // n = 32, m = 8, mixed: GGG 0.5Ψ, IIG 0.875Ψ, NGG 2.4375Ψ, NIG 2.625Ψ bytes.
  for (const [s, k] of [['GGG', 0.5], ['IIG', 0.875], ['NGG', 2.4375], ['NIG', 2.625]] as const) assert.equal(states(s, 1024, 32, 8, 'mixed'), k * 1024);
  // Ψ′ = Ψ/16 under IIG: 4Ψ/2 + 4(Ψ/16)/2 + 8(Ψ/16)/4.
  assert.equal(states('IIG', MiB, 4, 2, 'fp32', MiB / 16), 2 * MiB + MiB / 8 + MiB / 8);
  assert.throws(() => parseSharding('GGN'), /must partition parameters and gradients no more than optimizer states/);
  assert.throws(() => parseSharding('XY'), /three letters from N, I, G/);
});

/** Sums the bytes each rank sends per step over all collectives, by link level. */
function stepBytes(sharding: string, A: number, n: number, m: number, cluster: ClusterSpec) {
  const colls = stepCollectives(parseSharding(sharding), MiB, MiB, bytesPerElement('fp32'), { n, m }, A);
  let intra = 0;
  let inter = 0;
  for (const c of colls) {
    const layout = c.scope === 'intra' ? { k: m, g: 1 } : c.scope === 'inter' ? { k: 1, g: n / m } : { k: m, g: n / m };
    const cost = collectiveCost(c.op, c.bytes, layout, cluster);
    intra += cost.intraBytes;
    inter += cost.interBytes;
  }
  return { intra, inter, total: intra + inter };
}

test('communication: ZeRO bytes per rank per step (N = 4, one node, fp32) and PaRO inter-group bytes (n = 4, m = 2, A = 4)', () => {
  const node = clusterPreset('dgx-a100', 1);
  for (const s of [0, 1, 2]) assert.equal(stepBytes(zeroSharding(s), 1, 4, 4, node).total, 6 * MiB);
  assert.equal(stepBytes('GGG', 1, 4, 4, node).total, 9 * MiB);
  assert.equal(stepBytes('NGG', 4, 4, 4, node).total, 15 * MiB);
  assert.equal(stepBytes('GGG', 4, 4, 4, node).total, 36 * MiB);
  assert.equal(stepBytes('NNN', 4, 4, 4, node).total, 6 * MiB);
  const expected: Record<string, number> = { NNN: 2, NNG: 2, III: 2, NII: 2, NIG: 2, ING: 2, IIG: 2, NGG: 5, IGG: 5, GGG: 12 };
  for (const [s, mib] of Object.entries(expected)) assert.equal(stepBytes(s, 4, 4, 2, node).inter, mib * MiB, s);
});

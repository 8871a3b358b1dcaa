// Float64 finite-difference gradient checks on the reference backend: for every differentiable
// op, the analytic gradient of L = Σ out · cotangent against central differences of L, on the
// fixtures' (smallest) inputs cast to f64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';
import type { Tensor } from '../../src/index.ts';
import { fixtures, load, type OpCase } from './fixture.ts';
import { OPS } from './op-table.ts';

T.registerDefaultBackends();

/** Elements per input probed by finite differences (evenly spread, first and last included). */
const PROBES = 12;
const H = 1e-6;
/** Central differences in f64 with h = 1e-6 are accurate to ~1e-9 here; 1e-6 leaves margin. */
const TOL = 1e-6;

function loss(outs: Tensor[], cots: Tensor[]): number {
  return outs.reduce((s, o, i) => s + T.mul(o, cots[i]).sum().item(), 0);
}

/** Compares analytic and numeric gradients of every float input; returns the worst error. */
function gradcheck(run: (xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[], wantGrad: boolean[], cots: Tensor[]): number {
  inputs.forEach((x, i) => { if (wantGrad[i]) x.setRequiresGrad(true); });
  const outOf = (r: Tensor | Tensor[]) => (Array.isArray(r) ? r : [r]);
  const outs = outOf(run(inputs));
  outs.map((o, i) => T.mul(o, cots[i]).sum()).reduce((a, b) => T.add(a, b)).backward();
  let worst = 0;
  T.noGrad(() => {
    inputs.forEach((x, i) => {
      if (!wantGrad[i]) return;
      const analytic = x.grad!.toFlatArray();
      const data = x.data as Float64Array;
      const n = x.numel;
      const idx = new Set(Array.from({ length: Math.min(PROBES, n) }, (_, k) => Math.round((k * (n - 1)) / Math.max(PROBES - 1, 1))));
      for (const j of idx) {
        const orig = data[j];
        const h = H * Math.max(1, Math.abs(orig));
        data[j] = orig + h;
        const up = loss(outOf(run(inputs)), cots);
        data[j] = orig - h;
        const down = loss(outOf(run(inputs)), cots);
        data[j] = orig;
        const numeric = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - analytic[j]) / Math.max(1, Math.abs(analytic[j])));
      }
    });
  });
  return worst;
}

const size = (c: OpCase) => c.inputs.reduce((s, x) => s + x.shape.reduce((a, b) => a * b, 1), 0);

for (const [op, spec] of Object.entries(OPS)) {
  if (!spec.gradcheck) continue;
  const cases = fixtures.cases.filter((c) => c.op === op && c.grads).sort((a, b) => size(a) - size(b));
  test(`gradcheck f64: ${op}`, () => {
    assert.ok(cases.length > 0, `${op} has no differentiable fixture case`);
    T.withBackend('reference', () => {
      // The two smallest cases: the scalar/size-1 edge and a broadcast or multi-axis one.
      for (const c of cases.slice(0, 2)) {
        const inputs = c.inputs.map((s) => load(s, 'f64'));
        const cots = c.cotangents!.map((s) => load(s, 'f64'));
        const err = gradcheck((xs) => spec.run(xs, c.params), inputs, c.inputs.map((s) => !!s.grad), cots);
        assert.ok(err <= TOL, `${c.name}: finite-difference error ${err.toExponential(2)} > ${TOL}`);
      }
    });
  });
}

test('gradcheck f64: dropout with a fixed generator is linear in x with the mask as its slope', () => {
  const x = T.randn([3, 33], { dtype: 'f64', rng: new T.Rng(5) });
  const cot = T.randn([3, 33], { dtype: 'f64', rng: new T.Rng(6) });
  const run = ([t]: Tensor[]) => T.dropout(t, 0.3, { rng: new T.Rng(7) });
  assert.ok(gradcheck(run, [x], [true], [cot]) <= TOL);
});

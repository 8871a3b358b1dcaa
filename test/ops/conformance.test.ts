// The op conformance suite: every PyTorch fixture case, forward and gradient, against every
// registered backend (or only TESSERA_BACKEND when set), with the tolerances of op-table.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';
import { fixtures, load, values, type OpCase } from './fixture.ts';
import { OPS, relError } from './op-table.ts';

T.registerDefaultBackends();
const backends = process.env.TESSERA_BACKEND ? [process.env.TESSERA_BACKEND] : T.listBackends();

/**
 * The same values as `t` in a non-contiguous view at a nonzero offset: every other element of
 * the last axis of a larger buffer, so kernels that assume contiguous inputs are caught.
 */
function strided(t: T.Tensor): T.Tensor {
  if (t.ndim === 0) return t;
  const last = t.shape[t.ndim - 1];
  const holder = T.zeros([...t.shape.slice(0, -1), 2 * last + 1], { dtype: t.dtype });
  const view = holder.slice(-1, 1, undefined, 2);
  T.copyInto(t, view);
  return view;
}

/** Runs one case on the active backend; returns the error of each output and each gradient. */
function runCase(c: OpCase, layout: 'contiguous' | 'strided'): { fwd: number[]; grad: number[] } {
  const spec = OPS[c.op];
  const inputs = c.inputs.map((s) => {
    const t = layout === 'strided' ? strided(load(s)) : load(s);
    return s.grad ? t.setRequiresGrad(true) : t;
  });
  const out = spec.run(inputs, c.params);
  const outs = Array.isArray(out) ? out : [out];
  assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
  const fwd = outs.map((o, i) => {
    assert.deepEqual(o.shape, c.outputs[i].shape, `${c.name}: output ${i} shape`);
    const want = c.outputs[i].dtype ?? 'f32';
    assert.equal(o.dtype, want, `${c.name}: output ${i} dtype`);
    return relError(o.toFlatArray(), values(c.outputs[i]));
  });
  const grad: number[] = [];
  if (c.cotangents && c.grads) {
    const cots = c.cotangents.map((s) => load(s));
    if (outs.length === 1) outs[0].backward(cots[0]);
    else outs.map((o, i) => T.mul(o, cots[i]).sum()).reduce((a, b) => T.add(a, b)).backward();
    c.grads.forEach((g, i) => {
      if (!g) return;
      const got = inputs[i].grad;
      assert.ok(got, `${c.name}: input ${i} got no gradient`);
      assert.deepEqual(got.shape, g.shape, `${c.name}: gradient ${i} shape`);
      grad.push(relError(got.toFlatArray(), values(g)));
    });
  }
  return { fwd, grad };
}

test('every fixture op has an entry in the op table, and the table has no op without a fixture', () => {
  const inFixtures = new Set(fixtures.cases.map((c) => c.op));
  assert.deepEqual([...inFixtures].filter((op) => !OPS[op]), []);
  assert.deepEqual(Object.keys(OPS).filter((op) => !inFixtures.has(op)), []);
});

for (const backend of backends) {
  describe(`ops vs PyTorch fixtures on backend '${backend}'`, () => {
    const byOp = new Map<string, OpCase[]>();
    for (const c of fixtures.cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
    for (const [op, cases] of byOp) {
      test(`${op} (${cases.length} cases)`, () => {
        const { fwd: fwdTol, grad: gradTol } = OPS[op];
        T.withBackend(backend, () => {
          for (const c of cases) {
            for (const layout of ['contiguous', 'strided'] as const) {
              const r = runCase(c, layout);
              const what = `${c.name} (${layout} inputs)`;
              r.fwd.forEach((e, i) => assert.ok(e <= fwdTol, `${what}: output ${i} error ${e.toExponential(2)} > ${fwdTol}`));
              r.grad.forEach((e, i) => assert.ok(e <= gradTol, `${what}: gradient ${i} error ${e.toExponential(2)} > ${gradTol}`));
            }
          }
        });
      });
    }
  });
}

// A two-layer MLP trained with plain SGD for 20 steps gives PyTorch's losses (same data, same
// initial weights, from the fixture), on every registered backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';
import type { Tensor } from '../../src/index.ts';
import { fixtures, load, values } from './fixture.ts';
import { relError } from './op-table.ts';

T.registerDefaultBackends();
const backends = process.env.TESSERA_BACKEND ? [process.env.TESSERA_BACKEND] : T.listBackends();
const TOL = 1e-4;

for (const backend of backends) {
  test(`MLP: 20 SGD steps match the PyTorch losses within ${TOL} on '${backend}'`, () => {
    const m = fixtures.mlp;
    T.withBackend(backend, () => {
      const x = load(m.x); // (64, 16)
      const y = load(m.y); // (64)
      let params = m.params.map((s) => load(s).setRequiresGrad(true)); // w1 (16, 32), b1 (32), w2 (32, 5), b2 (5)
      const losses: number[] = [];
      for (let step = 0; step < m.steps; step++) {
        const [w1, b1, w2, b2] = params;
        const logits = T.relu(x.matmul(w1).add(b1)).matmul(w2).add(b2); // (64, 5)
        const loss = T.crossEntropy(logits, y);
        losses.push(loss.item());
        loss.backward();
        params = T.noGrad(() => params.map((p: Tensor) => p.sub(p.grad!.mul(m.lr)).setRequiresGrad(true)));
      }
      losses.forEach((l, i) => assert.ok(Math.abs(l - m.losses[i]) <= TOL, `step ${i}: loss ${l} vs PyTorch ${m.losses[i]}`));
      assert.ok(losses[m.steps - 1] < losses[0] - 0.1, 'the loss goes down');
      params.forEach((p, i) => {
        const err = relError(p.toFlatArray(), values(m.final[i]));
        assert.ok(err <= TOL, `final parameter ${i}: error ${err.toExponential(2)}`);
      });
    });
  });
}

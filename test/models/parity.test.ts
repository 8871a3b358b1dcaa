// Tiny GPT-2 and Llama vs the PyTorch fixtures (scripts/fixtures/models.py): logits, loss, every
// parameter gradient, and the losses of 10 AdamW steps with nanoGPT's decay groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/index.ts';
import { AdamW, decayGroups } from '../../src/nn/index.ts';
import { loadHfCheckpoint, toHfTensors } from '../../src/models/index.ts';
import { assertClose, fixture } from './helpers.ts';

const TOL = 1e-4;

for (const [name, impl] of [['gpt2', 'matmul'], ['llama', 'matmul'], ['gpt2', 'fused'], ['llama', 'fused']] as const) {
  test(`${name} (${impl} attention): HF checkpoint from PyTorch gives the fixture's logits, loss and every gradient`, (t) => {
    const fx = fixture(name);
    const { model } = loadHfCheckpoint(fx.dir);
    for (const b of model.blocks) b.attn.impl = impl;
    const { ids, targets } = fx.tensors;
    const logits = model.forward(ids);
    const logitsErr = assertClose(logits, fx.tensors.logits, TOL, 'logits');
    const loss = model.loss(ids, targets);
    assert.ok(Math.abs(loss.item() - fx.loss) / fx.loss <= TOL, `loss ${loss.item()} vs ${fx.loss}`);
    loss.backward();
    const grads = Object.fromEntries(model.namedParameters().map(([k, p]) => {
      assert.ok(p.grad, `${k} has no gradient`);
      return [k, p.grad];
    }));
    const hfGrads = toHfTensors(grads, model.config);
    const expected = Object.keys(fx.tensors).filter((k) => k.startsWith('grad.')).map((k) => k.slice(5)).sort();
    assert.deepEqual(Object.keys(hfGrads).sort(), expected);
    const gradErr = Math.max(...expected.map((k) => assertClose(hfGrads[k], fx.tensors[`grad.${k}`], TOL, `grad ${k}`)));
    t.diagnostic(`logits rel err ${logitsErr.toExponential(2)}, worst gradient rel err ${gradErr.toExponential(2)}`);
  });

}

for (const name of ['gpt2', 'llama'] as const) {
  test(`${name}: 10 AdamW steps give PyTorch's losses`, (t) => {
    const fx = fixture(name);
    const { model } = loadHfCheckpoint(fx.dir);
    const { ids, targets } = fx.tensors;
    const a = fx.adamw;
    const opt = new AdamW(decayGroups(model, a.weight_decay), { lr: a.lr, beta1: a.betas[0], beta2: a.betas[1], eps: a.eps });
    const losses: number[] = [];
    for (let i = 0; i < fx.losses.length - 1; i++) {
      opt.zeroGrad();
      const loss = model.loss(ids, targets);
      losses.push(loss.item());
      loss.backward();
      opt.step();
    }
    losses.push(model.loss(ids, targets).item());
    const errs = losses.map((l, i) => Math.abs(l - fx.losses[i]) / Math.abs(fx.losses[i]));
    t.diagnostic(`worst step-loss rel err ${Math.max(...errs).toExponential(2)}`);
    losses.forEach((l, i) => {
      assert.ok(Math.abs(l - fx.losses[i]) / Math.abs(fx.losses[i]) <= TOL, `step ${i}: loss ${l} vs ${fx.losses[i]}`);
    });
    assert.ok(losses[losses.length - 1] < losses[0] * 0.6, 'training lowered the loss');
  });
}

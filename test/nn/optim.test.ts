// AdamW against its formula and with exact resume; schedules; clipping; gradient accumulation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parameter, randint, randn, tensor } from '../../src/index.ts';
import {
  AdamW, Linear, clipGradNorm, decayGroups, decodeSafetensors, encodeSafetensors, warmupCosine, warmupInvSqrt,
} from '../../src/nn/index.ts';
import { createModel } from '../../src/models/index.ts';
import { Rng } from '../../src/util/rng.ts';

test('AdamW: two steps follow the decoupled-decay formula; groups carry their own decay', () => {
  const p = new Parameter(tensor([1, -2, 0.5]));
  const q = new Parameter(tensor([3]));
  const h = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8 };
  const opt = new AdamW([{ params: [p], weightDecay: 0.5 }, { params: [q], weightDecay: 0 }], h);
  const gs = [[0.5, 0.1, -1], [0.2, -0.3, 0.4]];
  const want = [1, -2, 0.5, 3]; // p's three elements, then q's
  const m = [0, 0, 0, 0]; const v = [0, 0, 0, 0];
  gs.forEach((g, s) => {
    p.grad = tensor(g);
    q.grad = tensor([g[0]]);
    opt.step();
    const t = s + 1;
    for (let i = 0; i < 4; i++) {
      const gi = i < 3 ? g[i] : g[0];
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.99 * v[i] + 0.01 * gi ** 2;
      const mh = m[i] / (1 - 0.9 ** t); const vh = v[i] / (1 - 0.99 ** t);
      want[i] = want[i] * (1 - 0.1 * (i < 3 ? 0.5 : 0)) - (0.1 * mh) / (Math.sqrt(vh) + 1e-8);
    }
  });
  [...p.toFlatArray(), q.item()].forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-6, `${x} vs ${want[i]}`));
  opt.zeroGrad();
  assert.equal(p.grad, null);
});

test('decayGroups: nanoGPT rule, weight decay only on ≥2-D parameters', () => {
  const model = createModel({ modelType: 'gpt', vocabSize: 11, dim: 8, nLayers: 1, nHeads: 2, maxSeqLen: 4 });
  const [decay, none] = decayGroups(model, 0.1);
  const name = new Map(model.namedParameters().map(([n, p]) => [p, n]));
  assert.deepEqual(decay.params.map((p) => name.get(p)), ['wte.weight', 'wpe.weight', 'blocks.0.attn.qkvProj.weight', 'blocks.0.attn.outProj.weight', 'blocks.0.mlp.fc.weight', 'blocks.0.mlp.proj.weight']);
  assert.equal(decay.weightDecay, 0.1);
  assert.equal(none.weightDecay, 0);
  assert.ok(none.params.every((p) => p.ndim === 1));
});

test('AdamW state dict through safetensors resumes bit for bit', () => {
  const cfg = { modelType: 'llama', vocabSize: 13, dim: 8, nLayers: 1, nHeads: 2, nKvHeads: 1, hidden: 12, maxSeqLen: 6, seed: 5 };
  const ids = randint(0, 13, [2, 5], { rng: new Rng(1) });
  const tg = randint(0, 13, [2, 5], { rng: new Rng(2) });
  const run = (model: ReturnType<typeof createModel>, opt: AdamW, n: number) => {
    for (let i = 0; i < n; i++) {
      opt.zeroGrad();
      model.loss(ids, tg).backward();
      opt.step();
    }
  };
  const a = createModel(cfg);
  const optA = new AdamW(decayGroups(a, 0.1), { lr: 0.01 });
  run(a, optA, 4);

  const b = createModel(cfg);
  const optB = new AdamW(decayGroups(b, 0.1), { lr: 0.01 });
  run(b, optB, 2);
  const st = optB.stateDict();
  const bytes = encodeSafetensors({ ...st.tensors }, { meta: JSON.stringify(st.meta) });
  const modelBytes = encodeSafetensors(b.stateDict());
  const c = createModel({ ...cfg, seed: 99 });
  c.loadStateDict(decodeSafetensors(modelBytes).tensors);
  const optC = new AdamW(decayGroups(c, 0.1), { lr: 0.5 });
  const back = decodeSafetensors(bytes);
  optC.loadStateDict({ tensors: back.tensors, meta: JSON.parse(back.metadata.meta) });
  assert.equal(optC.groups[0].lr, 0.01, 'hyper-parameters come back too');
  run(c, optC, 2);
  assert.deepEqual(c.parameters().map((p) => p.toFlatArray()), a.parameters().map((p) => p.toFlatArray()));
  assert.throws(() => new AdamW([c.parameters()[0]]).loadStateDict(st), /AdamW\.loadStateDict: group sizes \[\d+, \d+\] do not match this optimizer's \[1\]/);
});

test('schedules: warmup + cosine (nanoGPT) and warmup + inverse square root', () => {
  const cos = warmupCosine({ maxLr: 1, minLr: 0.1, warmupSteps: 4, decaySteps: 14 });
  assert.equal(cos(0), 1 / 5);
  assert.equal(cos(3), 4 / 5);
  assert.equal(cos(4), 1);
  assert.ok(Math.abs(cos(9) - (0.1 + 0.5 * (1 + Math.cos(Math.PI * 0.5)) * 0.9)) < 1e-12);
  assert.equal(cos(14), 0.1);
  assert.equal(cos(100), 0.1);
  const inv = warmupInvSqrt({ maxLr: 2, warmupSteps: 10 });
  assert.equal(inv(4), 1);
  assert.equal(inv(9), 2);
  assert.ok(Math.abs(inv(39) - 1) < 1e-12);
  assert.throws(() => warmupCosine({ maxLr: 1, warmupSteps: 5, decaySteps: 2 }), /warmupCosine: decaySteps 2 must be ≥ warmupSteps 5/);
});

test('clipGradNorm: global L2 norm over all parameters, scaled only above the limit', () => {
  const a = new Parameter(tensor([3, 4]));
  const b = new Parameter(tensor([12]));
  a.grad = tensor([3, 4]);
  b.grad = tensor([12]);
  assert.equal(clipGradNorm([a, b], 100), 13);
  assert.deepEqual(b.grad.toFlatArray(), [12]);
  assert.equal(clipGradNorm([a, b], 1), 13);
  const s = 1 / (13 + 1e-6);
  assert.ok(Math.abs(a.grad.toFlatArray()[1] - 4 * s) < 1e-7 && Math.abs(b.grad.item() - 12 * s) < 1e-7);
});

test('gradient accumulation: two half-batch backwards (loss / 2 each) equal one full-batch backward', () => {
  const lin = new Linear(4, 3, { rng: new Rng(3) });
  const x = randn([6, 4], { rng: new Rng(4) });
  const t = randint(0, 3, [6], { rng: new Rng(5) });
  const ce = (xs: typeof x, ts: typeof t) => lin.forward(xs).logSoftmax(-1).mul(-1).mul(oneHot(ts)).sum(-1).mean();
  ce(x, t).backward();
  const full = lin.parameters().map((p) => p.grad!.toFlatArray());
  lin.zeroGrad();
  ce(x.slice(0, 0, 3), t.slice(0, 0, 3)).mul(0.5).backward();
  ce(x.slice(0, 3, 6), t.slice(0, 3, 6)).mul(0.5).backward();
  lin.parameters().forEach((p, i) => p.grad!.toFlatArray().forEach((g, j) => assert.ok(Math.abs(g - full[i][j]) < 1e-6)));
});

function oneHot(t: ReturnType<typeof randint>) {
  const ids = t.toFlatArray();
  return tensor(ids.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))), [ids.length, 3]);
}

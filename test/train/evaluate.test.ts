import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { TokenFile, bigramLoss } from '../../src/data/index.ts';
import { Parameter, embedding, tensor, type Tensor } from '../../src/tensor/index.ts';
import { registerDefaultBackends } from '../../src/backends/register.ts';
import { evalWindows, evaluateLoss } from '../../src/train/evaluate.ts';
import type { LanguageModel } from '../../src/train/types.ts';
import { makeTokenFiles, tmp } from './helpers.ts';

registerDefaultBackends();

/** A model whose logits are the add-k bigram log-probabilities: its loss must equal the baseline's. */
class BigramTable implements LanguageModel {
  readonly table: Parameter;
  constructor(train: ArrayLike<number>, V: number, k = 1) {
    const counts = new Float64Array(V * V);
    const rows = new Float64Array(V);
    for (let i = 0; i + 1 < train.length; i++) { counts[train[i]! * V + train[i + 1]!]!++; rows[train[i]!]!++; }
    const logp = new Float32Array(V * V);
    for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) logp[a * V + b] = Math.log((counts[a * V + b]! + k) / (rows[a]! + k * V));
    this.table = new Parameter(tensor(logp, [V, V]));
  }
  forward(ids: Tensor): Tensor { return embedding(this.table, ids); } // (B, T, V)
  namedParameters(): [string, Parameter][] { return [['table', this.table]]; }
}

test('evalWindows: uncapped windows tile every target once; capped ones are evenly spaced', () => {
  const w = evalWindows(50, 16);
  assert.deepEqual(w, [{ start: 0, len: 16 }, { start: 16, len: 16 }, { start: 32, len: 16 }, { start: 48, len: 1 }]);
  assert.equal(w.reduce((a, x) => a + x.len, 0), 49);
  const c = evalWindows(1001, 10, 30);
  assert.deepEqual(c.map((x) => x.start), [0, 495, 990]);
  assert.ok(c.every((x) => x.len === 10 && x.start + x.len <= 1000));
});

test('evaluateLoss: a model that is the bigram table scores exactly the bigram baseline on the same tokens', () => {
  const dir = tmp('tess-ev-');
  try {
    const paths = makeTokenFiles(dir, 24, 3000);
    const [train, val] = [new TokenFile(paths.train), new TokenFile(paths.val)];
    const tr = train.readAll();
    const va = val.readAll();
    const model = new BigramTable(tr, 24);
    const r = evaluateLoss(model, val, { seqLen: 64, batchSize: 3 });
    assert.equal(r.tokens, va.length - 1);
    const ref = bigramLoss(tr, va, { vocabSize: 24, k: 1 });
    assert.ok(Math.abs(r.loss - ref) < 1e-5, `model ${r.loss} vs bigram ${ref}`);
    train.close();
    val.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

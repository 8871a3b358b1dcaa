import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bigramLoss } from '../../src/data/index.ts';

test('bigram: hand-computed add-one loss on a tiny corpus', () => {
  // train pairs: (0,1) x2, (1,0), (1,2); rows: count(0,.) = 2, count(1,.) = 2, V = 3.
  // val pairs: P(1|0) = (2+1)/(2+3) = 3/5, P(2|1) = (1+1)/(2+3) = 2/5.
  const loss = bigramLoss([0, 1, 0, 1, 2], [0, 1, 2], { vocabSize: 3, k: 1 });
  assert.ok(Math.abs(loss - -(Math.log(3 / 5) + Math.log(2 / 5)) / 2) < 1e-12);
  // An unseen row falls back to uniform: P(0|2) = (0+0.5)/(0+1.5).
  const l2 = bigramLoss([0, 1, 0, 1, 2], [2, 0], { vocabSize: 3, k: 0.5 });
  assert.ok(Math.abs(l2 - Math.log(3)) < 1e-12);
});

test('bigram: matches a dense-table reference on random tokens; huge k tends to ln V', () => {
  let s = 9;
  const rand = (n: number): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
  const V = 17;
  const train = Array.from({ length: 3000 }, () => Math.min(rand(V), rand(V)));
  const val = Array.from({ length: 500 }, () => Math.min(rand(V), rand(V)));
  const table = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  for (let i = 0; i + 1 < train.length; i++) table[train[i]!]![train[i + 1]!]!++;
  let nll = 0;
  for (let i = 0; i + 1 < val.length; i++) {
    const r = table[val[i]!]!;
    nll -= Math.log((r[val[i + 1]!]! + 0.1) / (r.reduce((a, b) => a + b, 0) + 0.1 * V));
  }
  assert.ok(Math.abs(bigramLoss(train, val, { vocabSize: V, k: 0.1 }) - nll / (val.length - 1)) < 1e-9);
  assert.ok(Math.abs(bigramLoss(train, val, { vocabSize: V, k: 1e9 }) - Math.log(V)) < 1e-4);
  assert.throws(() => bigramLoss(train, [1], { vocabSize: V }), /bigramLoss: val needs at least 2 tokens, got 1/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BigramCounts, addKProb, bigramLabel, bigramLoss, kneserNeyProb, tuneBigram, tunedBigramLoss } from '../../src/data/index.ts';

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

test('bigram: hand-computed interpolated Kneser-Ney on a tiny corpus', () => {
  // train pairs (0,1) x2, (1,0), (1,2): c(0,.) = 2, c(1,.) = 2, row 2 unseen; N1+(0 .) = 1, N1+(1 .) = 2;
  // every token has one distinct predecessor and there are 3 distinct pairs, so the add-one
  // continuation unigram is Pc(b) = (1 + 1) / (3 + 3) = 1/3 for each b.
  const c = new BigramCounts([0, 1, 0, 1, 2], 3);
  const d = 0.5;
  // P(1|0) = (2 - 0.5)/2 + 0.5·1/2·1/3 = 5/6; P(0|0) = 0 + 1/12; P(2|1) = (1 - 0.5)/2 + 0.5·2/2·1/3 = 5/12; P(0|2) = Pc(0).
  const want: [number, number, number][] = [[0, 1, 5 / 6], [0, 0, 1 / 12], [0, 2, 1 / 12], [1, 2, 5 / 12], [1, 0, 5 / 12], [1, 1, 1 / 6], [2, 0, 1 / 3]];
  for (const [a, b, p] of want) assert.ok(Math.abs(kneserNeyProb(c, a, b, d) - p) < 1e-12, `P(${b}|${a})`);
  const loss = tunedBigramLoss([0, 1, 0, 1, 2], [0, 1, 2, 0], 3, { smoothing: 'kneser-ney', constant: d });
  assert.ok(Math.abs(loss - -(Math.log(5 / 6) + Math.log(5 / 12) + Math.log(1 / 3)) / 3) < 1e-12);
  assert.equal(bigramLabel({ smoothing: 'kneser-ney', constant: 0.75 }), 'Kneser-Ney bigram, d=0.75');
  assert.equal(bigramLabel({ smoothing: 'add-k', constant: 0.01 }), 'add-0.01 bigram');
});

test('bigram: Kneser-Ney rows sum to one; tuning picks the grid minimum on the held-out end of train', () => {
  let s = 3;
  const rand = (n: number): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
  const V = 13;
  // A skewed stream with structure (next depends on the previous token) and some tokens rare.
  const train: number[] = [0];
  for (let i = 1; i < 4000; i++) train.push(rand(4) === 0 ? rand(V) : (train[i - 1]! * 3 + rand(3)) % (V - 2));
  const c = new BigramCounts(train, V);
  for (const d of [0.1, 0.5, 0.9]) {
    for (let a = 0; a < V; a++) {
      let sum = 0;
      for (let b = 0; b < V; b++) sum += kneserNeyProb(c, a, b, d);
      assert.ok(Math.abs(sum - 1) < 1e-12, `row ${a} at d=${d} sums to ${sum}`);
    }
  }
  // Oracle: refit on the first 80% and score the last 20% for each grid value, naively.
  const cut = Math.floor(train.length * 0.8);
  const heldLoss = (prob: (c: BigramCounts, a: number, b: number) => number): number => {
    const fit = new BigramCounts(train.slice(0, cut), V);
    let nll = 0;
    for (let i = cut; i + 1 < train.length; i++) nll -= Math.log(prob(fit, train[i]!, train[i + 1]!));
    return nll / (train.length - cut - 1);
  };
  const kGrid = [1, 0.1, 0.01];
  const dGrid = [0.2, 0.5, 0.8];
  const r = tuneBigram(train, { vocabSize: V, heldOutFraction: 0.2, kGrid, discountGrid: dGrid });
  const kLoss = kGrid.map((k) => heldLoss((f, a, b) => addKProb(f, a, b, k)));
  const dLoss = dGrid.map((d) => heldLoss((f, a, b) => kneserNeyProb(f, a, b, d)));
  assert.equal(r.addK.constant, kGrid[kLoss.indexOf(Math.min(...kLoss))]);
  assert.equal(r.kneserNey.constant, dGrid[dLoss.indexOf(Math.min(...dLoss))]);
  assert.ok(Math.abs(r.addK.heldOutLoss - Math.min(...kLoss)) < 1e-12);
  assert.ok(Math.abs(r.kneserNey.heldOutLoss - Math.min(...dLoss)) < 1e-12);
  assert.equal(r.best, r.kneserNey.heldOutLoss <= r.addK.heldOutLoss ? r.kneserNey : r.addK);
  // Typed arrays take the same path as plain arrays.
  assert.deepEqual(tuneBigram(Uint16Array.from(train), { vocabSize: V, heldOutFraction: 0.2, kGrid, discountGrid: dGrid }), r);
  assert.throws(() => tuneBigram([0, 1], { vocabSize: V }), /tuneBigram: train needs enough tokens/);
  assert.throws(() => new BigramCounts([0, V], V), /bigram: token ids must be < vocabSize 13, got 13/);
});

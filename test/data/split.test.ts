import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadSotu, splitDocuments, splitHash } from '../../src/data/index.ts';

test('split: a document goes to validation iff sha256(seed, id) falls below the fraction', () => {
  const docs = loadSotu();
  const { train, val } = splitDocuments(docs, { valFraction: 0.1, seed: 0 });
  assert.equal(train.length + val.length, docs.length);
  for (const d of docs) {
    const h = createHash('sha256').update(`0\u0000${d.id}`).digest();
    const u = Number(h.readBigUInt64BE(0) >> 16n) / 2 ** 48;
    assert.equal(splitHash(d.id, 0), u);
    assert.equal(val.includes(d), u < 0.1, d.id);
  }
});

test('split: independent of document order, changes with the seed, both sides non-empty', () => {
  const docs = loadSotu();
  const a = splitDocuments(docs, { valFraction: 0.2, seed: 3 });
  const b = splitDocuments([...docs].reverse(), { valFraction: 0.2, seed: 3 });
  const ids = (xs: { id: string }[]): string[] => xs.map((d) => d.id).sort();
  assert.deepEqual(ids(a.val), ids(b.val));
  const c = splitDocuments(docs, { valFraction: 0.2, seed: 4 });
  assert.notDeepEqual(ids(a.val), ids(c.val));
  const tiny = [{ id: 'x', text: '1' }, { id: 'y', text: '2' }];
  for (let seed = 0; seed < 20; seed++) {
    const s = splitDocuments(tiny, { valFraction: 0.01, seed });
    assert.equal(s.train.length, 1);
    assert.equal(s.val.length, 1);
    // The moved document is the one with the smaller hash.
    const smaller = splitHash('x', seed) < splitHash('y', seed) ? 'x' : 'y';
    assert.equal(s.val[0]!.id, smaller);
  }
  assert.throws(() => splitDocuments(tiny, { valFraction: 1, seed: 0 }), /splitDocuments: valFraction must be in \[0, 1\), got 1/);
  assert.throws(() => splitDocuments([tiny[0]!, tiny[0]!], { valFraction: 0.1, seed: 0 }), /document ids must be unique/);
});

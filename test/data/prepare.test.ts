import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenFile, bigramLoss, loadSotu, prepareData, splitDocuments } from '../../src/data/index.ts';
import { trainBpe } from '../../src/tokenizers/index.ts';

test('prepare: split documents are encoded, packed with EOT, and decode back; bigram on the files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tess-prep-'));
  try {
    const docs = loadSotu().slice(0, 12).map((d) => ({ id: d.id, text: d.text.slice(0, 3000) }));
    const tok = trainBpe(docs.map((d) => d.text), { vocabSize: 500, specialTokens: ['<|endoftext|>'] });
    const r = prepareData(docs, tok, dir, { valFraction: 0.25, seed: 1 });
    const split = splitDocuments(docs, { valFraction: 0.25, seed: 1 });
    const eot = tok.specialId('<|endoftext|>');
    const files = [new TokenFile(r.trainPath), new TokenFile(r.valPath)];
    const [train, val] = files.map((f) => f.readAll()) as [Uint16Array, Uint16Array];
    files.forEach((f) => f.close());
    for (const [tokens, side] of [[train, split.train], [val, split.val]] as const) {
      assert.equal(tokens.filter((t) => t === eot).length, side.length);
      assert.equal(tok.decode(tokens), side.map((d) => d.text + '<|endoftext|>').join(''));
    }
    assert.equal(r.train.documents + r.val.documents, docs.length);
    assert.equal(r.bigramValLoss, bigramLoss(train, val, { vocabSize: 500, k: 1 }));
    assert.ok(r.bigramValLoss < Math.log(500), `bigram ${r.bigramValLoss} beats uniform ${Math.log(500)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

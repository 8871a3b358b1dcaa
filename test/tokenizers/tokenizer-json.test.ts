import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { BPE, Tokenizer, byteLevelPreTokenizer } from 'tokenizers';
import { fromTokenizerJson, loadTokenizer, saveTokenizer, trainBpe } from '../../src/tokenizers/index.ts';
import { loadSotu } from '../../src/data/index.ts';
import { gpt2Dir } from './gpt2-files.ts';
import { variedText } from './varied-text.ts';

test('tokenizer.json: save/load round trip keeps vocab, merges, added tokens and encodings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tess-tok-'));
  try {
    const tok = trainBpe(loadSotu().slice(0, 4).map((d) => d.text), { vocabSize: 700, specialTokens: ['<|endoftext|>', '<|im_start|>'] });
    const path = join(dir, 'tokenizer.json');
    saveTokenizer(tok, path);
    const back = loadTokenizer(path);
    const byId = (m: ReadonlyMap<string, number>): [string, number][] => [...m].sort((x, y) => x[1] - y[1]);
    assert.deepEqual(byId(back.vocab), byId(tok.vocab));
    assert.deepEqual(back.merges, tok.merges);
    assert.deepEqual(back.addedTokens, tok.addedTokens);
    const text = variedText(5000, 2) + '<|endoftext|>';
    assert.deepEqual(back.encode(text), tok.encode(text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenizer.json: a file Tessera writes loads in Hugging Face tokenizers with the same ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tess-tok-'));
  try {
    const tok = trainBpe(loadSotu().slice(0, 4).map((d) => d.text), { vocabSize: 800, specialTokens: ['<|endoftext|>'] });
    const path = join(dir, 'tokenizer.json');
    saveTokenizer(tok, path);
    const hf = Tokenizer.fromFile(path);
    assert.equal(hf.getVocabSize(true), 800);
    const text = variedText(6000, 4) + '<|endoftext|>The end.';
    const ids = tok.encode(text);
    const enc = await hf.encode(text);
    assert.deepEqual(enc.getIds(), ids);
    assert.equal(await hf.decode(ids, false), text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenizer.json: GPT-2 as written by Hugging Face tokenizers loads and matches tiktoken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tess-tok-'));
  try {
    const model = await BPE.fromFile(join(gpt2Dir, 'encoder.json'), join(gpt2Dir, 'vocab.bpe'));
    const hf = new Tokenizer(model);
    hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
    hf.addSpecialTokens(['<|endoftext|>']);
    const path = join(dir, 'gpt2-tokenizer.json');
    hf.save(path);
    const tok = loadTokenizer(path);
    assert.equal(tok.vocabSize, 50257);
    assert.equal(tok.specialId('<|endoftext|>'), 50256);
    const text = variedText(20_000, 9) + '<|endoftext|>';
    assert.deepEqual(tok.encode(text), getEncoding('gpt2').encode(text, 'all'));
    // The same file with merges in the older "a b" string form reads the same.
    const json = JSON.parse(readFileSync(path, 'utf8')) as { model: { merges: unknown[] } };
    json.model.merges = json.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
    writeFileSync(path, JSON.stringify(json));
    assert.deepEqual(loadTokenizer(path).merges, tok.merges);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenizer.json: add_prefix_space from a Hugging Face file encodes like Hugging Face', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tess-tok-'));
  try {
    const model = await BPE.fromFile(join(gpt2Dir, 'encoder.json'), join(gpt2Dir, 'vocab.bpe'));
    const hf = new Tokenizer(model);
    hf.setPreTokenizer(byteLevelPreTokenizer(true, true));
    hf.addSpecialTokens(['<|endoftext|>', '<|im_start|>']);
    const path = join(dir, 'prefix.json');
    hf.save(path);
    const tok = loadTokenizer(path);
    assert.equal(tok.addPrefixSpace, true);
    for (const text of ['Hello world', ' already spaced', '<|im_start|>user\nHi<|endoftext|>next doc', '\nnewline first', '']) {
      assert.deepEqual(tok.encode(text), (await hf.encode(text)).getIds(), JSON.stringify(text));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenizer.json: unsupported or broken files fail with the field and the expected form', () => {
  assert.throws(() => fromTokenizerJson({ model: { type: 'WordPiece', vocab: {} } }), /fromTokenizerJson: model.type must be 'BPE', got 'WordPiece'/);
  assert.throws(() => fromTokenizerJson({ model: { type: 'BPE', vocab: {}, merges: [] }, pre_tokenizer: { type: 'ByteLevel' } }),
    /BpeTokenizer: vocab must contain all 256 byte tokens; byte 0/);
  assert.throws(() => fromTokenizerJson({ model: { type: 'BPE', vocab: {}, merges: [1] } }), /model.merges\[0\] must be "a b" or \["a", "b"\]/);
  assert.throws(() => fromTokenizerJson({ model: { type: 'BPE', vocab: {}, merges: [] }, pre_tokenizer: { type: 'Whitespace' } }),
    /pre_tokenizer must be ByteLevel or Sequence/);
});

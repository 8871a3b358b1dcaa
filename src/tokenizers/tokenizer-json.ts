// Hugging Face `tokenizer.json` (model type BPE with ByteLevel pre-tokenizer and decoder), and
// GPT-2's original encoder.json + vocab.bpe pair.
import { readFileSync } from 'node:fs';
import { check, fail } from '../util/errors.ts';
import { writeFileAtomic } from '../util/fs.ts';
import { gpt2Pattern } from './byte-level.ts';
import { BpeTokenizer, type AddedToken } from './bpe.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean): JsonObject => ({
  type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: true,
});

/** The tokenizer as a tokenizer.json object that Hugging Face tokenizers loads. */
export function toTokenizerJson(tok: BpeTokenizer): JsonObject {
  if (tok.pattern !== gpt2Pattern) fail('toTokenizerJson', 'only the GPT-2 pre-tokenisation pattern can be written as a ByteLevel pre-tokenizer');
  const vocab: JsonObject = {};
  for (const [t, id] of [...tok.vocab].sort((x, y) => x[1] - y[1])) vocab[t] = id;
  for (const t of tok.addedTokens) if (!(t.content in vocab)) vocab[t.content] = t.id;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tok.addedTokens.map((t) => ({
      id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel(tok.addPrefixSpace, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: tok.ignoreMerges,
      vocab, merges: tok.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

export function saveTokenizer(tok: BpeTokenizer, path: string): void {
  writeFileAtomic(path, JSON.stringify(toTokenizerJson(tok)) + '\n');
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pre-tokenisation settings of a ByteLevel pre-tokenizer, alone or inside a Sequence. */
function readPreTokenizer(pt: Json | undefined, where: string): { pattern: string; addPrefixSpace: boolean } {
  if (!isObject(pt)) fail(where, `pre_tokenizer must be a ByteLevel object, got ${JSON.stringify(pt)}`);
  if (pt.type === 'ByteLevel') {
    check(pt.use_regex !== false, where, 'pre_tokenizer ByteLevel with use_regex false needs a Split before it in a Sequence');
    return { pattern: gpt2Pattern, addPrefixSpace: pt.add_prefix_space === true };
  }
  if (pt.type === 'Sequence' && Array.isArray(pt.pretokenizers)) {
    const [split, bl] = pt.pretokenizers;
    const regex = isObject(split) && split.type === 'Split' && isObject(split.pattern) ? split.pattern.Regex : undefined;
    if (typeof regex === 'string' && isObject(bl) && bl.type === 'ByteLevel' && bl.use_regex === false && pt.pretokenizers.length === 2) {
      try { new RegExp(regex, 'gu'); } catch { fail(where, `pre_tokenizer Split regex is not valid in JavaScript: ${regex}`); }
      return { pattern: regex, addPrefixSpace: bl.add_prefix_space === true };
    }
  }
  fail(where, `pre_tokenizer must be ByteLevel or Sequence[Split(Regex), ByteLevel(use_regex false)], got type '${String(pt.type)}'`);
}

/** A tokenizer from a parsed tokenizer.json (BPE model, byte-level pre-tokenisation). */
export function fromTokenizerJson(json: unknown): BpeTokenizer {
  const where = 'fromTokenizerJson';
  const root = json as Json;
  if (!isObject(root) || !isObject(root.model)) fail(where, 'expected an object with a `model` object');
  const model = root.model;
  check(model.type === 'BPE' || (model.type === undefined && isObject(model.vocab)), where, `model.type must be 'BPE', got '${String(model.type)}'`);
  check(isObject(model.vocab), where, 'model.vocab must be an object of token -> id');
  check(Array.isArray(model.merges), where, 'model.merges must be an array');
  check(root.normalizer === null || root.normalizer === undefined, where, `normalizer must be null for a byte-level BPE, got ${JSON.stringify(root.normalizer)}`);
  const vocab = new Map<string, number>();
  for (const [t, id] of Object.entries(model.vocab)) {
    check(typeof id === 'number', where, `model.vocab['${t}'] must be a number`);
    vocab.set(t, id);
  }
  const merges = model.merges.map((m, i): [string, string] => {
    // Older files write "a b"; newer ones write ["a", "b"].
    const pair = typeof m === 'string' ? m.split(' ') : m;
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      fail(where, `model.merges[${i}] must be "a b" or ["a", "b"], got ${JSON.stringify(m)}`);
    }
    return [pair[0], pair[1]];
  });
  const added: AddedToken[] = [];
  for (const [i, t] of (Array.isArray(root.added_tokens) ? root.added_tokens : []).entries()) {
    if (!isObject(t) || typeof t.id !== 'number' || typeof t.content !== 'string') fail(where, `added_tokens[${i}] needs a numeric id and a string content`);
    added.push({ id: t.id, content: t.content, special: t.special === true });
    if (vocab.get(t.content) === t.id) vocab.delete(t.content);
  }
  const { pattern, addPrefixSpace } = readPreTokenizer(root.pre_tokenizer, where);
  return new BpeTokenizer({ vocab, merges, addedTokens: added, pattern, addPrefixSpace, ignoreMerges: model.ignore_merges === true });
}

export function loadTokenizer(path: string): BpeTokenizer {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail('loadTokenizer', `cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  return fromTokenizerJson(json);
}

/**
 * GPT-2's original files: encoder.json (token -> id) and vocab.bpe (a version line, then one
 * merge "a b" per line). '<|endoftext|>' becomes a special added token.
 */
export function fromGpt2Files(encoderJson: string, vocabBpe: string): BpeTokenizer {
  const where = 'fromGpt2Files';
  const enc = JSON.parse(encoderJson) as Record<string, number>;
  check(isObject(enc as Json), where, 'encoder.json must be an object of token -> id');
  const vocab = new Map(Object.entries(enc));
  const added: AddedToken[] = [];
  const eot = vocab.get('<|endoftext|>');
  if (eot !== undefined) {
    vocab.delete('<|endoftext|>');
    added.push({ id: eot, content: '<|endoftext|>', special: true });
  }
  const merges = vocabBpe.split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#version'))
    .map((l, i): [string, string] => {
      const pair = l.split(' ');
      if (pair.length !== 2) fail(where, `vocab.bpe merge ${i} must be "a b", got ${JSON.stringify(l)}`);
      return [pair[0]!, pair[1]!];
    });
  return new BpeTokenizer({ vocab, merges, addedTokens: added });
}

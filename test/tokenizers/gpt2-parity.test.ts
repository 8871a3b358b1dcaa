import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { getEncoding } from 'js-tiktoken';
import { gpt2 } from './gpt2-files.ts';
import { variedText } from './varied-text.ts';

const gpt3Encoder = createRequire(import.meta.url)('gpt-3-encoder') as { encode(s: string): number[]; decode(ids: number[]): string };
const tiktoken = getEncoding('gpt2');

test('gpt2 parity: same ids as js-tiktoken and gpt-3-encoder on a long varied text', () => {
  const tok = gpt2();
  assert.equal(tok.vocabSize, 50257);
  const text = variedText(40_000);
  const ids = tok.encode(text);
  assert.deepEqual(ids, tiktoken.encode(text));
  assert.deepEqual(ids, gpt3Encoder.encode(text));
  assert.equal(tok.decode(ids), text);
});

test('gpt2 parity: each piece alone, and edge cases (empty, spaces only, newlines only)', () => {
  const tok = gpt2();
  const cases = ['', ' ', '   ', '\n', '\n\n\n', ' \n ', 'a', "'s", ' 123', 'x  ', 'hello world  ', '😀', '日本'];
  for (const line of variedText(3000, 7).split('\n')) cases.push(line, `${line}\n`, ` ${line}  `);
  for (const c of cases) assert.deepEqual(tok.encode(c), tiktoken.encode(c), JSON.stringify(c));
});

test('gpt2 parity: <|endoftext|> is one special id, like tiktoken with specials allowed', () => {
  const tok = gpt2();
  const text = 'first doc.<|endoftext|>second <|endoftext|><|endoftext|> third';
  const ids = tok.encode(text);
  assert.deepEqual(ids, tiktoken.encode(text, 'all'));
  assert.equal(ids.filter((i) => i === 50256).length, 3);
  // As ordinary text it is split into pieces, exactly like the encoder without specials.
  const plain = tok.encode(text, { allowSpecial: false });
  assert.deepEqual(plain, gpt3Encoder.encode(text));
  assert.ok(!plain.includes(50256));
  assert.equal(tok.decode(ids, { skipSpecial: true }), 'first doc.second  third');
});

test('gpt2 parity: long pre-tokens (heap-based merging) match gpt-3-encoder', () => {
  const tok = gpt2();
  let s = 3;
  const rand = (n: number): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
  const alphabets = ['abcdefghijklmnopqrstuvwxyz', '0123456789', '!?.,;:-_=+*#', 'ABCDEFGHIJKLMNOPQRSTUVWXYZéüß', '日本語中文字'];
  for (const len of [65, 100, 300, 1500]) {
    for (const abc of alphabets) {
      const w = ' ' + Array.from({ length: len }, () => abc[rand(abc.length)]).join('');
      assert.deepEqual(tok.encode(w), gpt3Encoder.encode(w), `${len} chars of ${abc}`);
    }
  }
  const spaces = ' '.repeat(5000) + 'x' + '\n'.repeat(3000);
  assert.deepEqual(tok.encode(spaces), tiktoken.encode(spaces));
});

test('gpt2: chat markers added after the vocabulary are single ids; ordinary text is unchanged', () => {
  const tok = gpt2().withAddedTokens(['<|im_start|>', '<|im_end|>', '<|endoftext|>']);
  assert.equal(tok.vocabSize, 50259);
  assert.equal(tok.specialId('<|endoftext|>'), 50256);
  const text = '<|im_start|>user\nWhat is 2+2?<|im_end|>\n';
  const ids = tok.encode(text);
  assert.deepEqual(ids, [50257, ...tiktoken.encode('user\nWhat is 2+2?'), 50258, ...tiktoken.encode('\n')]);
  assert.equal(tok.decode(ids), text);
  assert.equal(tok.decode(ids, { skipSpecial: true }), 'user\nWhat is 2+2?\n');
});

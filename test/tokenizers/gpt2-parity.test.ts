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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainBpe } from '../../src/tokenizers/index.ts';
import { gpt2 } from './gpt2-files.ts';
import { variedText } from './varied-text.ts';

function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

/** Random well-formed strings over every plane (lone surrogates cannot round-trip through UTF-8). */
function randomUnicode(rand: (n: number) => number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const kind = rand(5);
    let cp = kind === 0 ? rand(128) : kind === 1 ? 0x20 : kind === 2 ? rand(0x800) : kind === 3 ? rand(0x10000) : 0x10000 + rand(0x100000);
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;
    s += String.fromCodePoint(cp);
  }
  return s;
}

test('roundtrip: decode(encode(s)) === s for random unicode, with GPT-2 and a trained vocabulary', () => {
  const small = trainBpe([variedText(8000, 5)], { vocabSize: 400 });
  const rand = lcg(11);
  for (let i = 0; i < 200; i++) {
    const s = randomUnicode(rand, 1 + rand(60));
    for (const tok of [gpt2(), small]) assert.equal(tok.decode(tok.encode(s)), s);
  }
});

test('roundtrip: arbitrary bytes come back exactly from decodeBytes', () => {
  const tok = gpt2();
  const rand = lcg(5);
  const dec = new TextDecoder();
  for (let i = 0; i < 100; i++) {
    const bytes = Uint8Array.from({ length: 1 + rand(80) }, () => rand(256));
    // Invalid UTF-8 becomes U+FFFD on the way in; the round trip is exact on that string's bytes.
    const s = dec.decode(bytes);
    const back = tok.decodeBytes(tok.encode(s));
    assert.deepEqual(back, new TextEncoder().encode(s));
  }
  // Every single byte token decodes to its byte; a split multi-byte char only joins when whole.
  const euro = tok.encode('€');
  assert.equal(euro.length > 0, true);
  const parts = euro.map((id) => tok.decodeBytes([id]));
  assert.deepEqual(Buffer.concat(parts), Buffer.from('€'));
  assert.throws(() => tok.decode([60000]), /BpeTokenizer.decode: id 60000 at position 0 is not in the vocabulary/);
});

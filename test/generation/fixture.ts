// Loads the committed fixture checkpoints (made by scripts/fixtures/generation-checkpoint.ts).
import { readFileSync } from 'node:fs';
import { registerDefaultBackends } from '../../src/backends/register.ts';
import { setBackend } from '../../src/tensor/index.ts';
import { loadMiniGpt } from '../../src/generation/checkpoint.ts';
import { loadTokenizer } from '../../src/tokenizers/index.ts';

registerDefaultBackends();
setBackend('reference');

export const fixtureDir = new URL('../fixtures/generation/', import.meta.url).pathname;
export const target = loadMiniGpt(fixtureDir + 'target');
export const draft = loadMiniGpt(fixtureDir + 'draft');
export const tokenizer = loadTokenizer(fixtureDir + 'target/tokenizer.json');
export const golden = JSON.parse(readFileSync(fixtureDir + 'golden.json', 'utf8')) as {
  prompts: number[][]; maxTokens: number; single: number[][]; batched: number[][];
};

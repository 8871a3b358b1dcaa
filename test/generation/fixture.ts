// Loads the committed fixture checkpoints (made by scripts/fixtures/generation-checkpoint.ts): two
// GPTs of the models registry in Hugging Face folders, run through the generation layer.
import { readFileSync } from 'node:fs';
import { registerDefaultBackends } from '../../src/backends/register.ts';
import { loadHfCheckpoint } from '../../src/models/index.ts';
import { DecoderLmRunner } from '../../src/generation/decoder-lm.ts';
import { loadTokenizer } from '../../src/tokenizers/index.ts';

// The default backend (native when built), the one the server's worker runs: in-process results
// must equal served ones bitwise. Tests that pin a backend use withBackend.
registerDefaultBackends();

export const fixtureDir = new URL('../fixtures/generation/', import.meta.url).pathname;
/** The target as a DecoderLM module (its own forward is the no-cache oracle). */
export const targetModel = loadHfCheckpoint(fixtureDir + 'target').model.eval();
export const target = new DecoderLmRunner(targetModel);
export const draft = new DecoderLmRunner(loadHfCheckpoint(fixtureDir + 'draft').model.eval());
export const tokenizer = loadTokenizer(fixtureDir + 'target/tokenizer.json');
export const golden = JSON.parse(readFileSync(fixtureDir + 'golden.json', 'utf8')) as {
  prompts: number[][]; maxTokens: number; single: number[][]; batched: number[][];
};

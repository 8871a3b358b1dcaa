// Shared setup for trainer tests: seeded synthetic token files and a tiny trainer config.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenFile, writeTokenFile } from '../../src/data/index.ts';
import type { TrainLoopOptions } from '../../src/train/trainer.ts';
import { createModel, type DecoderLM } from '../../src/models/index.ts';
import { AdamW, decayGroups } from '../../src/nn/index.ts';
import { Rng } from '../../src/util/rng.ts';

/** Tokens from a seeded sparse Markov chain (each token has 3 likely successors): learnable. */
export function markovTokens(vocab: number, n: number, seed: number): Int32Array {
  const chain = new Rng(1000 + vocab);
  const next = Array.from({ length: vocab }, () => [chain.int(vocab), chain.int(vocab), chain.int(vocab)]);
  const rng = new Rng(seed);
  const out = new Int32Array(n);
  for (let i = 1; i < n; i++) out[i] = rng.uniform() < 0.9 ? next[out[i - 1]!]![rng.int(3)]! : rng.int(vocab);
  return out;
}

export function makeTokenFiles(dir: string, vocab: number, n = 6000): { train: string; val: string } {
  const train = join(dir, 'train.bin');
  const val = join(dir, 'val.bin');
  writeTokenFile(train, [markovTokens(vocab, n, 1)], vocab, vocab - 1);
  writeTokenFile(val, [markovTokens(vocab, Math.floor(n / 4), 2)], vocab, vocab - 1);
  return { train, val };
}

export const tmp = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

export function openFiles(p: { train: string; val: string }): { train: TokenFile; val: TokenFile } {
  return { train: new TokenFile(p.train), val: new TokenFile(p.val) };
}

export const tinyLoop = (over: Partial<TrainLoopOptions> = {}): TrainLoopOptions => ({
  steps: 30, batchSize: 4, seqLen: 16, seed: 7,
  lrAt: (s) => 0.02 * Math.min(1, (s + 1) / 5),
  evalEvery: 10, evalTokens: 256, checkpointEvery: 10, keepCheckpoints: 2, logEvery: 10,
  ...over,
});

/** A one-layer GPT with dropout (so module RNG state matters for exact resume). */
export function tinyGpt(vocabSize: number, seed: number, dim = 16): { model: DecoderLM; optimizer: AdamW } {
  const model = createModel({ modelType: 'gpt', vocabSize, dim, nLayers: 1, nHeads: 2, maxSeqLen: 32, dropout: 0.1, seed });
  const optimizer = new AdamW(decayGroups(model, 0.1), { beta2: 0.95 });
  return { model, optimizer };
}

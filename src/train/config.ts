// The training job's config: schema (validated with field-naming errors) and defaults. Files in
// configs/ override the defaults; `--set a.b=v` overrides the file.
import { z } from 'zod';

const int = (min = 0) => z.number().int().min(min);
const positive = z.number().positive();

export const trainConfigSchema = z.object({
  run: z.object({
    /** Parent folder of run folders. */
    dir: z.string().min(1),
    /** Run id (folder name); empty means a fresh id from the clock. */
    id: z.string(),
  }).strict(),
  data: z.object({
    /** 'sotu' or a path to .txt/.md/.jsonl files or a folder of them. */
    corpus: z.string().min(1),
    vocabSize: int(258),
    valFraction: z.number().gt(0).lt(1),
    splitSeed: int(),
    cacheDir: z.string().min(1),
  }).strict(),
  model: z.object({
    modelType: z.string().min(1),
    dim: int(1),
    nLayers: int(1),
    nHeads: int(1),
    nKvHeads: int(1).optional(),
    hidden: int(1).optional(),
    maxSeqLen: int(1),
    dropout: z.number().min(0).lt(1),
    tieEmbeddings: z.boolean().optional(),
    initStd: positive.optional(),
    seed: int(),
  }).strict(),
  train: z.object({
    steps: int(1),
    batchSize: int(1),
    seqLen: int(1),
    lr: positive,
    minLr: z.number().min(0),
    warmupSteps: int(),
    weightDecay: z.number().min(0),
    beta1: z.number().min(0).lt(1),
    beta2: z.number().min(0).lt(1),
    /** Max global gradient norm; 0 disables clipping. */
    gradClip: z.number().min(0),
    evalEvery: int(),
    /** Targets scored by each periodic validation (evenly spaced windows). */
    evalTokens: int(1),
    /** After training, score the first this-many validation targets (0: all) next to the bigram baseline on the same ones. */
    finalEvalTokens: int(),
    checkpointEvery: int(1),
    keepCheckpoints: int(1),
    /** Plain progress line interval when stderr is not a terminal. */
    logEvery: int(1),
    seed: int(),
  }).strict(),
  sample: z.object({
    count: int(),
    maxTokens: int(1),
    temperature: z.number().min(0),
    topK: int(),
    prompts: z.array(z.string().min(1)),
    seed: int(),
  }).strict(),
}).strict();

export type TrainConfig = z.output<typeof trainConfigSchema>;

export const defaultTrainConfig: TrainConfig = {
  run: { dir: 'runs', id: '' },
  data: { corpus: 'sotu', vocabSize: 4096, valFraction: 0.1, splitSeed: 1337, cacheDir: '.cache/data' },
  model: { modelType: 'gpt', dim: 128, nLayers: 4, nHeads: 4, maxSeqLen: 128, dropout: 0, seed: 1337 },
  train: {
    steps: 1500, batchSize: 16, seqLen: 128, lr: 5e-3, minLr: 1e-4, warmupSteps: 100, weightDecay: 0.1, beta1: 0.9, beta2: 0.95,
    gradClip: 1, evalEvery: 250, evalTokens: 8192, finalEvalTokens: 0, checkpointEvery: 100, keepCheckpoints: 2, logEvery: 25, seed: 1337,
  },
  sample: { count: 3, maxTokens: 80, temperature: 0.8, topK: 40, prompts: ['Fellow citizens', 'The economy', 'Our nation'], seed: 7 },
};

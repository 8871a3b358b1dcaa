// Tokenizer + packed token files for a run, cached under a key of everything that shapes them,
// so later runs (and `tessera eval`) reuse them instead of retraining the BPE.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus, prepareData, splitDocuments, type PreparedData } from '../data/index.ts';
import { loadTokenizer, saveTokenizer, trainBpe, type BpeTokenizer } from '../tokenizers/index.ts';
import { writeFileAtomic } from '../util/fs.ts';

export interface DataSpec {
  /** 'sotu' or a path to text / JSONL files. */
  readonly corpus: string;
  readonly vocabSize: number;
  readonly valFraction: number;
  readonly splitSeed: number;
  readonly cacheDir: string;
}

export interface RunData extends PreparedData {
  readonly tokenizer: BpeTokenizer;
  readonly tokenizerPath: string;
  readonly dir: string;
  readonly cached: boolean;
}

export const EOT = '<|endoftext|>';

export function dataKey(spec: DataSpec): string {
  const key = JSON.stringify({ v: 1, corpus: spec.corpus, vocab: spec.vocabSize, val: spec.valFraction, seed: spec.splitSeed });
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Trains the BPE on the training documents only (validation text stays unseen), then packs both sides. */
export function prepareRunData(spec: DataSpec, log: (msg: string) => void = () => {}): RunData {
  const dir = join(spec.cacheDir, `${spec.corpus === 'sotu' ? 'sotu' : 'text'}-v${spec.vocabSize}-${dataKey(spec)}`);
  const tokenizerPath = join(dir, 'tokenizer.json');
  const donePath = join(dir, 'prepared.json');
  if (existsSync(donePath) && existsSync(tokenizerPath)) {
    const done = JSON.parse(readFileSync(donePath, 'utf8')) as PreparedData;
    log(`data: reusing ${dir} (${done.train.tokenCount} train / ${done.val.tokenCount} val tokens)`);
    return { ...done, tokenizer: loadTokenizer(tokenizerPath), tokenizerPath, dir, cached: true };
  }
  const docs = loadCorpus(spec.corpus);
  const split = { valFraction: spec.valFraction, seed: spec.splitSeed };
  const t0 = performance.now();
  log(`data: training a ${spec.vocabSize}-token BPE on ${docs.length} documents`);
  const tokenizer = trainBpe(splitDocuments(docs, split).train.map((d) => d.text), { vocabSize: spec.vocabSize, specialTokens: [EOT] });
  saveTokenizer(tokenizer, tokenizerPath);
  const prepared = prepareData(docs, tokenizer, dir, { ...split, eot: EOT });
  // Written last: its presence means the folder is complete.
  writeFileAtomic(donePath, JSON.stringify(prepared, null, 2) + '\n');
  log(`data: ${prepared.train.tokenCount} train / ${prepared.val.tokenCount} val tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${dir}`);
  return { ...prepared, tokenizer, tokenizerPath, dir, cached: false };
}

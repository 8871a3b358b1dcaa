// Corpus -> split -> tokens -> train.bin / val.bin, with the bigram baseline on the result.
import { join } from 'node:path';
import type { BpeTokenizer } from '../tokenizers/bpe.ts';
import { bigramLoss } from './bigram.ts';
import type { Document } from './corpus.ts';
import { splitDocuments } from './split.ts';
import { TokenFile, writeTokenFile, type TokenFileMeta } from './token-file.ts';

export interface PrepareOptions {
  readonly valFraction: number;
  readonly seed: number;
  /** Token written after each document (default '<|endoftext|>'). */
  readonly eot?: string;
  /** Add-k constant of the bigram baseline (default 1). */
  readonly bigramK?: number;
}

export interface PreparedData {
  readonly trainPath: string;
  readonly valPath: string;
  readonly train: TokenFileMeta;
  readonly val: TokenFileMeta;
  /** Validation loss (nats/token) of the add-k bigram model fitted on train. */
  readonly bigramValLoss: number;
}

export function prepareData(docs: readonly Document[], tok: BpeTokenizer, outDir: string, opts: PrepareOptions): PreparedData {
  const eotId = tok.specialId(opts.eot ?? '<|endoftext|>');
  const { train, val } = splitDocuments(docs, opts);
  // Corpus text is ordinary text: a literal '<|endoftext|>' inside a document is not a separator.
  const encode = function* (ds: readonly Document[]): Generator<number[]> {
    for (const d of ds) yield tok.encode(d.text, { allowSpecial: false });
  };
  const trainPath = join(outDir, 'train.bin');
  const valPath = join(outDir, 'val.bin');
  const trainMeta = writeTokenFile(trainPath, encode(train), tok.vocabSize, eotId);
  const valMeta = writeTokenFile(valPath, encode(val), tok.vocabSize, eotId);
  const read = (p: string): Uint16Array | Uint32Array => {
    const f = new TokenFile(p);
    try { return f.readAll(); } finally { f.close(); }
  };
  const bigramValLoss = bigramLoss(read(trainPath), read(valPath), { vocabSize: tok.vocabSize, k: opts.bigramK });
  return { trainPath, valPath, train: trainMeta, val: valMeta, bigramValLoss };
}

// Document-level train/validation split decided by a seeded hash of each document id, so a
// document keeps its side when the corpus grows or is loaded in another order.
import { createHash } from 'node:crypto';
import { check } from '../util/errors.ts';
import type { Document } from './corpus.ts';

export interface SplitOptions {
  /** Fraction of documents that go to validation, in [0, 1). */
  readonly valFraction: number;
  readonly seed: number;
}

/** A number in [0, 1) from the seed and the document id. */
export function splitHash(id: string, seed: number): number {
  const h = createHash('sha256').update(`${seed}\u0000${id}`).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * Documents whose hash falls below valFraction go to validation. When that leaves a side empty
 * (tiny corpora), the document with the smallest hash moves over so both sides have data.
 */
export function splitDocuments<D extends Document>(docs: readonly D[], opts: SplitOptions): { train: D[]; val: D[] } {
  check(opts.valFraction >= 0 && opts.valFraction < 1, 'splitDocuments', `valFraction must be in [0, 1), got ${opts.valFraction}`);
  check(Number.isInteger(opts.seed), 'splitDocuments', `seed must be an integer, got ${opts.seed}`);
  const ids = new Set(docs.map((d) => d.id));
  check(ids.size === docs.length, 'splitDocuments', 'document ids must be unique');
  const hashed = docs.map((d) => ({ d, h: splitHash(d.id, opts.seed) }));
  const train: D[] = [];
  const val: D[] = [];
  for (const { d, h } of hashed) (h < opts.valFraction ? val : train).push(d);
  if (opts.valFraction > 0 && docs.length >= 2 && (val.length === 0 || train.length === 0)) {
    const from = val.length === 0 ? train : val;
    const to = val.length === 0 ? val : train;
    const pick = from.reduce((best, d) => (splitHash(d.id, opts.seed) < splitHash(best.id, opts.seed) ? d : best));
    from.splice(from.indexOf(pick), 1);
    to.push(pick);
  }
  return { train, val };
}

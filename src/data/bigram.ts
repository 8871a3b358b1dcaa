// The baseline the language model must beat: an add-k smoothed bigram model fitted on the train
// tokens, scored as mean negative log-likelihood (nats/token) of each next validation token.
import { check } from '../util/errors.ts';

export interface BigramOptions {
  readonly vocabSize: number;
  /** Add-k smoothing constant (default 1). */
  readonly k?: number;
}

/** Loss of P(b | a) = (count(a, b) + k) / (count(a, .) + k V) over the pairs of `val`. */
export function bigramLoss(train: ArrayLike<number>, val: ArrayLike<number>, opts: BigramOptions): number {
  const V = opts.vocabSize;
  const k = opts.k ?? 1;
  check(k > 0, 'bigramLoss', `k must be > 0, got ${k}`);
  check(val.length >= 2, 'bigramLoss', `val needs at least 2 tokens, got ${val.length}`);
  const pair = new Map<number, number>();
  const row = new Float64Array(V);
  for (let i = 0; i + 1 < train.length; i++) {
    const a = train[i]!;
    const key = a * V + train[i + 1]!;
    pair.set(key, (pair.get(key) ?? 0) + 1);
    row[a]!++;
  }
  let nll = 0;
  for (let i = 0; i + 1 < val.length; i++) {
    const a = val[i]!;
    const c = pair.get(a * V + val[i + 1]!) ?? 0;
    nll -= Math.log((c + k) / (row[a]! + k * V));
  }
  return nll / (val.length - 1);
}

// The baseline the language model must beat: a bigram model fitted on the train tokens, scored as
// mean negative log-likelihood (nats/token) of each next validation token. Two smoothings:
// add-k, and interpolated Kneser-Ney (absolute discounting onto a continuation unigram). The
// strong baseline picks the smoothing and its constant on a held-out slice of the train tokens,
// so the validation tokens play no part in the choice.
import { check } from '../util/errors.ts';

export interface BigramOptions {
  readonly vocabSize: number;
  /** Add-k smoothing constant (default 1). */
  readonly k?: number;
}

/** Counts of a token stream: pairs, rows, distinct successors of a and distinct predecessors of b. */
export class BigramCounts {
  readonly pair = new Map<number, number>();
  /** count(a, .) */
  readonly row: Float64Array;
  /** N1+(a .): distinct tokens seen after a. */
  readonly followers: Float64Array;
  /** N1+(. b): distinct tokens seen before b. */
  readonly preceders: Float64Array;
  /** N1+(. .): distinct pairs. */
  readonly types: number;

  constructor(tokens: ArrayLike<number>, readonly vocabSize: number) {
    const V = vocabSize;
    this.row = new Float64Array(V);
    this.followers = new Float64Array(V);
    this.preceders = new Float64Array(V);
    for (let i = 0; i + 1 < tokens.length; i++) {
      const a = tokens[i]!;
      const b = tokens[i + 1]!;
      check(a < V && b < V, 'bigram', `token ids must be < vocabSize ${V}, got ${Math.max(a, b)}`);
      const key = a * V + b;
      const c = this.pair.get(key) ?? 0;
      if (c === 0) { this.followers[a]!++; this.preceders[b]!++; }
      this.pair.set(key, c + 1);
      this.row[a]!++;
    }
    this.types = this.pair.size;
  }

  count(a: number, b: number): number {
    return this.pair.get(a * this.vocabSize + b) ?? 0;
  }
}

/** P(b | a) = (c(a, b) + k) / (c(a, .) + kV). */
export function addKProb(c: BigramCounts, a: number, b: number, k: number): number {
  return (c.count(a, b) + k) / (c.row[a]! + k * c.vocabSize);
}

/**
 * Interpolated Kneser-Ney with discount d in (0, 1):
 * P(b | a) = max(c(a,b) - d, 0) / c(a,.) + d N1+(a .) / c(a,.) · Pc(b), where the continuation
 * unigram Pc(b) = (N1+(. b) + 1) / (N1+(. .) + V) is add-one smoothed so unseen tokens keep mass;
 * an unseen row a falls back to Pc.
 */
export function kneserNeyProb(c: BigramCounts, a: number, b: number, d: number): number {
  return kneserNeyFrom(c, a, b, c.count(a, b), d);
}

function kneserNeyFrom(c: BigramCounts, a: number, b: number, cab: number, d: number): number {
  const cont = (c.preceders[b]! + 1) / (c.types + c.vocabSize);
  const n = c.row[a]!;
  if (n === 0) return cont;
  return Math.max(cab - d, 0) / n + (d * c.followers[a]! / n) * cont;
}

/** Tokens [s, e) without copying typed arrays. */
function part(xs: ArrayLike<number>, s: number, e: number): ArrayLike<number> {
  const sub = (xs as { subarray?: (s: number, e: number) => ArrayLike<number> }).subarray;
  return sub ? sub.call(xs, s, e) : Array.from({ length: e - s }, (_, i) => xs[s + i]!);
}

function meanNll(val: ArrayLike<number>, prob: (a: number, b: number) => number, op: string): number {
  check(val.length >= 2, op, `val needs at least 2 tokens, got ${val.length}`);
  let nll = 0;
  for (let i = 0; i + 1 < val.length; i++) nll -= Math.log(prob(val[i]!, val[i + 1]!));
  return nll / (val.length - 1);
}

/** Loss of the add-k bigram over the pairs of `val`. */
export function bigramLoss(train: ArrayLike<number>, val: ArrayLike<number>, opts: BigramOptions): number {
  const k = opts.k ?? 1;
  check(k > 0, 'bigramLoss', `k must be > 0, got ${k}`);
  check(val.length >= 2, 'bigramLoss', `val needs at least 2 tokens, got ${val.length}`);
  const c = new BigramCounts(train, opts.vocabSize);
  return meanNll(val, (a, b) => addKProb(c, a, b, k), 'bigramLoss');
}

export type BigramSmoothing = 'add-k' | 'kneser-ney';

export interface TunedBigram {
  readonly smoothing: BigramSmoothing;
  /** k for add-k, the discount d for Kneser-Ney. */
  readonly constant: number;
  /** Held-out loss that chose it (fitted on the rest of train). */
  readonly heldOutLoss: number;
}

export interface TuneOptions {
  readonly vocabSize: number;
  /** Fraction of the train tokens (its end) held out to choose the smoothing (default 0.1). */
  readonly heldOutFraction?: number;
  readonly kGrid?: readonly number[];
  readonly discountGrid?: readonly number[];
}

export const defaultKGrid: readonly number[] = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001];
export const defaultDiscountGrid: readonly number[] = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);

/** Best add-k constant and best Kneser-Ney discount on the held-out end of `train`, and the better of the two. */
export function tuneBigram(train: ArrayLike<number>, opts: TuneOptions): { best: TunedBigram; addK: TunedBigram; kneserNey: TunedBigram } {
  const frac = opts.heldOutFraction ?? 0.1;
  check(frac > 0 && frac < 1, 'tuneBigram', `heldOutFraction must be in (0, 1), got ${frac}`);
  const cut = Math.floor(train.length * (1 - frac));
  check(cut >= 2 && train.length - cut >= 2, 'tuneBigram', `train needs enough tokens for a held-out slice, got ${train.length}`);
  const fit = new BigramCounts(part(train, 0, cut), opts.vocabSize);
  const held = part(train, cut, train.length);
  // Pair counts of the held-out slice are looked up once; each grid point is then arithmetic.
  const n = held.length - 1;
  check(n >= 1, 'tuneBigram', 'held-out slice needs at least 2 tokens');
  const as = new Int32Array(n);
  const bs = new Int32Array(n);
  const cs = new Float64Array(n);
  for (let i = 0; i < n; i++) { as[i] = held[i]!; bs[i] = held[i + 1]!; cs[i] = fit.count(held[i]!, held[i + 1]!); }
  const V = opts.vocabSize;
  const pick = (smoothing: BigramSmoothing, grid: readonly number[], prob: (i: number, x: number) => number): TunedBigram => {
    let best: TunedBigram | undefined;
    for (const x of grid) {
      let nll = 0;
      for (let i = 0; i < n; i++) nll -= Math.log(prob(i, x));
      if (!best || nll / n < best.heldOutLoss) best = { smoothing, constant: x, heldOutLoss: nll / n };
    }
    check(best !== undefined, 'tuneBigram', `${smoothing} grid must not be empty`);
    return best;
  };
  const addK = pick('add-k', opts.kGrid ?? defaultKGrid, (i, k) => (cs[i]! + k) / (fit.row[as[i]!]! + k * V));
  const kneserNey = pick('kneser-ney', opts.discountGrid ?? defaultDiscountGrid, (i, d) => kneserNeyFrom(fit, as[i]!, bs[i]!, cs[i]!, d));
  return { best: kneserNey.heldOutLoss <= addK.heldOutLoss ? kneserNey : addK, addK, kneserNey };
}

/** Validation loss of a bigram with the given smoothing, fitted on all of `train` (or on counts already made). */
export function tunedBigramLoss(train: ArrayLike<number> | BigramCounts, val: ArrayLike<number>, vocabSize: number, m: Pick<TunedBigram, 'smoothing' | 'constant'>): number {
  const c = train instanceof BigramCounts ? train : new BigramCounts(train, vocabSize);
  const prob = m.smoothing === 'add-k' ? (a: number, b: number) => addKProb(c, a, b, m.constant) : (a: number, b: number) => kneserNeyProb(c, a, b, m.constant);
  return meanNll(val, prob, 'bigram');
}

/** A short label such as "Kneser-Ney bigram, d=0.75" or "add-0.01 bigram". */
export function bigramLabel(m: Pick<TunedBigram, 'smoothing' | 'constant'>): string {
  return m.smoothing === 'add-k' ? `add-${m.constant} bigram` : `Kneser-Ney bigram, d=${m.constant}`;
}

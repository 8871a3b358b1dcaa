// BPE training with incremental pair counts: each merge touches only the words that contain the
// merged pair, and a lazy max-heap finds the next most frequent pair.
import { check } from '../util/errors.ts';
import { byteOrder, byteToChar, compilePattern, gpt2Pattern, preTokenize } from './byte-level.ts';
import { BpeTokenizer, byteVocab, maxTokenId, pairKey, type AddedToken } from './bpe.ts';
import { PairHeap } from './pair-heap.ts';

/** The end-of-text marker written between documents. */
export const endOfText = '<|endoftext|>';
/** ChatML-style turn markers, for chat templates and fine-tuning. */
export const chatTokens: readonly string[] = ['<|im_start|>', '<|im_end|>'];

export interface TrainBpeOptions {
  /** Final vocabulary size, including the 256 byte tokens and the special tokens. */
  readonly vocabSize: number;
  /** Added tokens, never split, given the last ids (e.g. '<|endoftext|>'). */
  readonly specialTokens?: readonly string[];
  /** A pair must occur at least this often to be merged (default 2). */
  readonly minFrequency?: number;
  readonly pattern?: string;
  /** Called every `progressEvery` merges and at the end. */
  readonly onProgress?: (p: TrainProgress) => void;
  readonly progressEvery?: number;
}

export interface TrainProgress {
  readonly merges: number;
  readonly targetMerges: number;
  /** Frequency of the pair merged last. */
  readonly lastCount: number;
  /** Distinct pre-tokens counted in the corpus. */
  readonly uniqueWords: number;
}

/** Word (pre-token) frequencies of some texts; special tokens are cut out first and never counted. */
export function countWords(texts: Iterable<string>, pattern = gpt2Pattern, specialTokens: readonly string[] = []): Map<string, number> {
  const re = compilePattern(pattern);
  const counts = new Map<string, number>();
  const specials = [...specialTokens].sort((a, b) => b.length - a.length);
  for (const text of texts) {
    const pieces = specials.length ? splitOn(text, specials) : [text];
    for (const piece of pieces) {
      for (const w of preTokenize(piece, re)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}

function splitOn(text: string, specials: readonly string[]): string[] {
  let pieces = [text];
  for (const s of specials) pieces = pieces.flatMap((p) => p.split(s));
  return pieces;
}

/** Byte ids (0..255 in GPT-2 byte order) of each word, with the word's frequency. */
export function wordsToSymbols(counts: ReadonlyMap<string, number>): { words: Int32Array[]; freqs: Float64Array } {
  const idOfByte = new Int32Array(256);
  byteOrder.forEach((b, i) => { idOfByte[b] = i; });
  const enc = new TextEncoder();
  const words: Int32Array[] = [];
  const freqs = new Float64Array(counts.size);
  for (const [w, f] of counts) {
    const bytes = enc.encode(w);
    const syms = new Int32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) syms[i] = idOfByte[bytes[i]!]!;
    freqs[words.length] = f;
    words.push(syms);
  }
  return { words, freqs };
}

/** Learns merges on the word counts of `texts`; returns a ready tokenizer. */
export function trainBpe(texts: Iterable<string>, opts: TrainBpeOptions): BpeTokenizer {
  const specials = opts.specialTokens ?? [];
  const targetMerges = opts.vocabSize - 256 - specials.length;
  check(Number.isInteger(opts.vocabSize) && targetMerges >= 0 && opts.vocabSize <= maxTokenId, 'trainBpe',
    `vocabSize must be an integer in [${256 + specials.length}, ${maxTokenId}] (256 bytes + ${specials.length} special tokens), got ${opts.vocabSize}`);
  check(new Set(specials).size === specials.length && specials.every((s) => s.length > 0), 'trainBpe', 'specialTokens must be distinct non-empty strings');
  const counts = countWords(texts, opts.pattern, specials);
  const { words, freqs } = wordsToSymbols(counts);
  opts.onProgress?.({ merges: 0, targetMerges, lastCount: 0, uniqueWords: words.length });
  const learned = learnMerges(words, freqs, targetMerges, opts.minFrequency ?? 2, opts.onProgress, opts.progressEvery ?? 500);

  const vocab = byteVocab();
  const tokenOf: string[] = byteOrder.map((b) => byteToChar[b]!);
  const merges: [string, string][] = [];
  for (const [a, b] of learned) {
    const s = tokenOf[a]! + tokenOf[b]!;
    merges.push([tokenOf[a]!, tokenOf[b]!]);
    tokenOf.push(s);
    if (!vocab.has(s)) vocab.set(s, vocab.size);
  }
  const addedTokens: AddedToken[] = specials.map((content, i) => ({ id: vocab.size + i, content, special: true }));
  return new BpeTokenizer({ vocab, merges, addedTokens, pattern: opts.pattern });
}

/**
 * The merge loop on symbol ids: merge i creates symbol 256 + i. Ties in frequency go to the
 * smallest (left id, right id) pair, so the result is deterministic and matches a naive recount.
 */
export function learnMerges(
  words: Int32Array[], freqs: Float64Array, targetMerges: number, minFrequency: number,
  onProgress?: (p: TrainProgress) => void, progressEvery = 500,
): [number, number][] {
  const lens = Int32Array.from(words, (w) => w.length);
  const counts = new Map<number, number>();
  const where = new Map<number, number[]>();
  const addWhere = (key: number, w: number): void => {
    const list = where.get(key);
    if (list === undefined) where.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  for (let w = 0; w < words.length; w++) {
    const s = words[w]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = pairKey(s[i]!, s[i + 1]!);
      counts.set(key, (counts.get(key) ?? 0) + freqs[w]!);
      addWhere(key, w);
    }
  }
  const heap = new PairHeap();
  for (const [key, c] of counts) heap.push(c, key);

  const merges: [number, number][] = [];
  const seen = new Int32Array(words.length).fill(-1);
  const changed = new Set<number>();
  while (merges.length < targetMerges) {
    const top = heap.popValid(counts);
    if (top === null || top.count < minFrequency) break;
    const key = top.key;
    const a = Math.floor(key / 0x200000);
    const b = key - a * 0x200000;
    const c = 256 + merges.length;
    merges.push([a, b]);
    changed.clear();
    const bump = (k: number, d: number): void => {
      counts.set(k, (counts.get(k) ?? 0) + d);
      changed.add(k);
    };
    for (const w of where.get(key) ?? []) {
      if (seen[w] === c) continue;
      seen[w] = c;
      const s = words[w]!;
      const n = lens[w]!;
      const f = freqs[w]!;
      let has = false;
      for (let i = 0; i + 1 < n; i++) if (s[i] === a && s[i + 1] === b) { has = true; break; }
      if (!has) continue; // stale entry: an earlier merge already consumed this pair here
      for (let i = 0; i + 1 < n; i++) bump(pairKey(s[i]!, s[i + 1]!), -f);
      let m = 0;
      for (let i = 0; i < n; i++) {
        if (i + 1 < n && s[i] === a && s[i + 1] === b) { s[m++] = c; i++; } else s[m++] = s[i]!;
      }
      lens[w] = m;
      for (let i = 0; i + 1 < m; i++) {
        const k = pairKey(s[i]!, s[i + 1]!);
        bump(k, f);
        if (s[i] === c || s[i + 1] === c) addWhere(k, w);
      }
    }
    where.delete(key);
    counts.delete(key);
    for (const k of changed) {
      const v = counts.get(k);
      if (v === undefined) continue;
      if (v <= 0) { counts.delete(k); where.delete(k); } else heap.push(v, k);
    }
    if (onProgress && (merges.length % progressEvery === 0 || merges.length === targetMerges)) {
      onProgress({ merges: merges.length, targetMerges, lastCount: top.count, uniqueWords: words.length });
    }
  }
  if (onProgress && merges.length % progressEvery !== 0 && merges.length !== targetMerges) {
    onProgress({ merges: merges.length, targetMerges, lastCount: 0, uniqueWords: words.length });
  }
  return merges;
}

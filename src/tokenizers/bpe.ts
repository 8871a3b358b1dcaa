// A byte-level BPE tokenizer: GPT-2 pre-tokenisation, merges applied by rank, added (special)
// tokens that are matched before pre-tokenisation and never split.
import { check, fail } from '../util/errors.ts';
import { mergeLong } from './merge-long.ts';
import { byteOrder, byteToChar, bytesToChars, charsToBytes, compilePattern, gpt2Pattern, preTokenize } from './byte-level.ts';

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  /** Special tokens are dropped by `decode(ids, { skipSpecial: true })`. */
  readonly special: boolean;
}

export interface BpeOptions {
  /** Byte-level token string (one char per byte, GPT-2 alphabet) -> id. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Merges in rank order, as pairs of byte-level token strings. */
  readonly merges: readonly (readonly [string, string])[];
  readonly addedTokens?: readonly AddedToken[];
  /** Pre-tokenisation regex (compiled with flags `gu`); GPT-2's by default. */
  readonly pattern?: string;
  /** Prepend a space to text (each piece between added tokens) not starting with one (HF ByteLevel option). */
  readonly addPrefixSpace?: boolean;
  /** Emit a pre-token as one id when it is in the vocabulary, without merging (HF option). */
  readonly ignoreMerges?: boolean;
}

export interface EncodeOptions {
  /** Match added tokens in the text (default true); false treats them as ordinary text. */
  readonly allowSpecial?: boolean;
}

export interface DecodeOptions {
  readonly skipSpecial?: boolean;
}

// Pair keys pack two ids into one number; ids stay below 2^21 so the key is an exact integer.
const PAIR_SHIFT = 0x200000;
export const maxTokenId = PAIR_SHIFT - 1;
export function pairKey(a: number, b: number): number {
  return a * PAIR_SHIFT + b;
}

const CACHE_LIMIT = 200_000;
// Longer pre-tokens use the heap-based merge; short ones are faster with plain passes.
const LONG_WORD = 64;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class BpeTokenizer {
  readonly vocab: ReadonlyMap<string, number>;
  readonly merges: readonly (readonly [string, string])[];
  readonly addedTokens: readonly AddedToken[];
  readonly pattern: string;
  readonly addPrefixSpace: boolean;
  readonly ignoreMerges: boolean;
  /** One more than the largest id (ids may have gaps in files made elsewhere). */
  readonly vocabSize: number;

  private readonly re: RegExp;
  private readonly byteIds = new Int32Array(256);
  private readonly mergeRank = new Map<number, number>();
  private readonly mergeId = new Map<number, number>();
  private readonly idBytes: (Uint8Array | undefined)[] = [];
  private readonly idToken: (string | undefined)[] = [];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly specialRe: RegExp | null;
  private readonly cache = new Map<string, readonly number[]>();
  private readonly encoder = new TextEncoder();

  constructor(opts: BpeOptions) {
    const where = 'BpeTokenizer';
    this.vocab = opts.vocab;
    this.merges = opts.merges;
    this.addedTokens = opts.addedTokens ?? [];
    this.pattern = opts.pattern ?? gpt2Pattern;
    this.addPrefixSpace = opts.addPrefixSpace ?? false;
    this.ignoreMerges = opts.ignoreMerges ?? false;
    this.re = compilePattern(this.pattern);
    let maxId = -1;
    for (const [tok, id] of this.vocab) {
      check(Number.isInteger(id) && id >= 0 && id <= maxTokenId, where, `vocab id of '${tok}' must be an integer in [0, ${maxTokenId}], got ${id}`);
      this.idToken[id] = tok;
      const bytes = charsToBytes(tok);
      // A token outside the byte alphabet (possible in files made elsewhere) decodes as its UTF-8.
      this.idBytes[id] = bytes ?? this.encoder.encode(tok);
      maxId = Math.max(maxId, id);
    }
    for (let b = 0; b < 256; b++) {
      const id = this.vocab.get(byteToChar[b]!);
      if (id === undefined) fail(where, `vocab must contain all 256 byte tokens; byte ${b} ('${byteToChar[b]}') is missing`);
      this.byteIds[b] = id;
    }
    this.merges.forEach(([a, b], rank) => {
      const ia = this.vocab.get(a);
      const ib = this.vocab.get(b);
      const ic = this.vocab.get(a + b);
      if (ia === undefined || ib === undefined || ic === undefined) {
        fail(where, `merge ${rank} '${a} ${b}' must join two vocab tokens into a vocab token`);
      }
      const key = pairKey(ia, ib);
      if (!this.mergeRank.has(key)) {
        this.mergeRank.set(key, rank);
        this.mergeId.set(key, ic);
      }
    });
    for (const t of this.addedTokens) {
      check(Number.isInteger(t.id) && t.id >= 0 && t.id <= maxTokenId, where, `added token '${t.content}' needs an id in [0, ${maxTokenId}], got ${t.id}`);
      check(t.content.length > 0, where, `added token ${t.id} must have non-empty content`);
      this.addedById.set(t.id, t);
      this.addedByContent.set(t.content, t);
      this.idToken[t.id] ??= t.content;
      this.idBytes[t.id] = this.encoder.encode(t.content);
      maxId = Math.max(maxId, t.id);
    }
    this.vocabSize = maxId + 1;
    // Longest first, so a token that is a prefix of another never wins.
    const contents = [...this.addedByContent.keys()].sort((x, y) => y.length - x.length);
    this.specialRe = contents.length ? new RegExp(contents.map(escapeRegExp).join('|'), 'g') : null;
  }

  /** Token ids of `text`; added tokens in the text become their ids unless allowSpecial is false. */
  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (!this.specialRe || opts.allowSpecial === false) {
      this.encodeOrdinaryInto(text, out);
      return out;
    }
    let last = 0;
    for (const m of text.matchAll(this.specialRe)) {
      if (m.index > last) this.encodeOrdinaryInto(text.slice(last, m.index), out);
      out.push(this.addedByContent.get(m[0])!.id);
      last = m.index + m[0].length;
    }
    if (last < text.length) this.encodeOrdinaryInto(text.slice(last), out);
    return out;
  }

  private encodeOrdinaryInto(text: string, out: number[]): void {
    // Like Hugging Face's ByteLevel, the space goes before each piece between added tokens.
    if (this.addPrefixSpace && text.length > 0 && !text.startsWith(' ')) text = ' ' + text;
    for (const word of preTokenize(text, this.re)) {
      let ids = this.cache.get(word);
      if (ids === undefined) {
        ids = this.encodeWord(word);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(word, ids);
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    }
  }

  /** BPE on one pre-token: repeatedly merge every occurrence of the lowest-ranked adjacent pair. */
  encodeWord(word: string): number[] {
    const bytes = this.encoder.encode(word);
    if (this.ignoreMerges) {
      const whole = this.vocab.get(bytesToChars(bytes));
      if (whole !== undefined) return [whole];
    }
    const syms: number[] = new Array<number>(bytes.length);
    for (let i = 0; i < bytes.length; i++) syms[i] = this.byteIds[bytes[i]!]!;
    if (syms.length > LONG_WORD) {
      return mergeLong(syms, (a, b) => this.mergeRank.get(pairKey(a, b)), (a, b) => this.mergeId.get(pairKey(a, b))!);
    }
    let n = syms.length;
    while (n > 1) {
      let best = Infinity;
      let bestKey = -1;
      for (let i = 0; i + 1 < n; i++) {
        const key = pairKey(syms[i]!, syms[i + 1]!);
        const r = this.mergeRank.get(key);
        if (r !== undefined && r < best) { best = r; bestKey = key; }
      }
      if (bestKey < 0) break;
      const a = Math.floor(bestKey / PAIR_SHIFT);
      const b = bestKey - a * PAIR_SHIFT;
      const c = this.mergeId.get(bestKey)!;
      let w = 0;
      for (let i = 0; i < n; i++) {
        if (i + 1 < n && syms[i] === a && syms[i + 1] === b) { syms[w++] = c; i++; } else syms[w++] = syms[i]!;
      }
      n = w;
    }
    syms.length = n;
    return syms;
  }

  /** The raw bytes of some ids (added tokens give their UTF-8 content). */
  decodeBytes(ids: ArrayLike<number>, opts: DecodeOptions = {}): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (opts.skipSpecial && this.addedById.get(id)?.special) continue;
      const bytes = this.idBytes[id];
      if (bytes === undefined) fail('BpeTokenizer.decode', `id ${id} at position ${i} is not in the vocabulary (size ${this.vocabSize})`);
      parts.push(bytes);
      total += bytes.length;
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) { out.set(p, off); off += p.length; }
    return out;
  }

  /** Text of some ids; invalid UTF-8 (a split multi-byte char) decodes to U+FFFD. */
  decode(ids: ArrayLike<number>, opts: DecodeOptions = {}): string {
    return new TextDecoder('utf-8').decode(this.decodeBytes(ids, opts));
  }

  /**
   * A copy with more added tokens (e.g. chat markers for fine-tuning) given the next free ids;
   * contents already present keep their ids.
   */
  withAddedTokens(contents: readonly string[], special = true): BpeTokenizer {
    const added = [...this.addedTokens];
    let next = this.vocabSize;
    for (const content of contents) {
      if (this.addedByContent.has(content) || added.some((t) => t.content === content)) continue;
      added.push({ id: next++, content, special });
    }
    return new BpeTokenizer({
      vocab: this.vocab, merges: this.merges, addedTokens: added, pattern: this.pattern,
      addPrefixSpace: this.addPrefixSpace, ignoreMerges: this.ignoreMerges,
    });
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.idToken[id];
  }

  /** Id of an added token by content, e.g. '<|endoftext|>'; throws when absent. */
  specialId(content: string): number {
    const t = this.addedByContent.get(content);
    if (!t) fail('BpeTokenizer.specialId', `no added token '${content}'; have ${[...this.addedByContent.keys()].join(', ') || 'none'}`);
    return t.id;
  }
}

/** Vocabulary of the 256 single bytes, ids 0..255 in GPT-2's byte order. */
export function byteVocab(): Map<string, number> {
  return new Map(byteOrder.map((b, i) => [byteToChar[b]!, i]));
}

// GPT-2's byte-level alphabet: every byte maps to one printable code point, so a vocabulary of
// strings covers arbitrary bytes and tokenizer.json stays plain JSON.

/** Bytes in GPT-2 order: printable Latin-1 bytes first, then the rest (mapped to U+0100...). */
function buildByteOrder(): { order: number[]; chars: string[] } {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const chars = new Array<string>(256);
  for (const b of printable) chars[b] = String.fromCharCode(b);
  const order = [...printable];
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (chars[b] === undefined) {
      chars[b] = String.fromCharCode(256 + next++);
      order.push(b);
    }
  }
  return { order, chars };
}

const built = buildByteOrder();

/** byteToChar[b] is the code point standing for byte b. */
export const byteToChar: readonly string[] = built.chars;

/** The 256 bytes in the order GPT-2 gives them ids 0..255. */
export const byteOrder: readonly number[] = built.order;

const charToByteMap = new Map<string, number>(built.chars.map((c, b) => [c, b]));

/** Byte-level string (one char per byte) of some UTF-8 bytes. */
export function bytesToChars(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += byteToChar[bytes[i]!];
  return s;
}

/** Bytes of a byte-level string; null when a char is not in the byte alphabet. */
export function charsToBytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const b = charToByteMap.get(s[i]!);
    if (b === undefined) return null;
    out[i] = b;
  }
  return out;
}

/**
 * GPT-2's pre-tokenisation: contractions, letter runs, digit runs, other-symbol runs (each with
 * one optional leading space), then whitespace runs that leave the last space to the next word.
 */
export const gpt2Pattern = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

/** Splits text into pre-tokens with a global unicode regex (matches cover the whole text). */
export function preTokenize(text: string, re: RegExp): string[] {
  re.lastIndex = 0;
  return text.match(re) ?? [];
}

export function compilePattern(pattern: string): RegExp {
  return new RegExp(pattern, 'gu');
}

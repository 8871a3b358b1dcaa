import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countWords, learnMerges, trainBpe } from '../../src/tokenizers/index.ts';
import { wordsToSymbols } from '../../src/tokenizers/bpe-train.ts';
import { loadSotu } from '../../src/data/index.ts';
import { variedText } from './varied-text.ts';

/** Textbook BPE training: recount every pair of every word before each merge. */
function naiveMerges(words: Int32Array[], freqs: Float64Array, target: number, minFrequency: number): [number, number][] {
  const ws = words.map((w) => Array.from(w));
  const merges: [number, number][] = [];
  while (merges.length < target) {
    const counts = new Map<string, number>();
    ws.forEach((w, j) => {
      for (let i = 0; i + 1 < w.length; i++) {
        const k = `${w[i]},${w[i + 1]}`;
        counts.set(k, (counts.get(k) ?? 0) + freqs[j]!);
      }
    });
    let best: [number, number] | null = null;
    let bestCount = -1;
    for (const [k, c] of counts) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      const better = c > bestCount || (c === bestCount && best !== null && (a < best[0] || (a === best[0] && b < best[1])));
      if (better) { best = [a, b]; bestCount = c; }
    }
    if (best === null || bestCount < minFrequency) break;
    const id = 256 + merges.length;
    merges.push(best);
    for (const w of ws) {
      for (let i = 0; i + 1 < w.length; i++) if (w[i] === best[0] && w[i + 1] === best[1]) w.splice(i, 2, id);
    }
  }
  return merges;
}

function symbols(texts: string[]): { words: Int32Array[]; freqs: Float64Array } {
  return wordsToSymbols(countWords(texts));
}

test('bpe train: incremental merges equal a naive recount (prose, varied text, repeated bytes)', () => {
  const corpora = [
    [loadSotu()[0]!.text.slice(0, 12_000)],
    [variedText(6000, 3)],
    ['aaaaaaa aaaa aaa bbbbbb ab ab abab ' + 'zz'.repeat(50), 'aaaa aaaa'],
  ];
  for (const texts of corpora) {
    const target = 300;
    const inc = symbols(texts);
    const ref = symbols(texts);
    const got = learnMerges(inc.words, inc.freqs, target, 2);
    assert.ok(got.length >= 10, `merges learned: ${got.length}`);
    assert.deepEqual(got, naiveMerges(ref.words, ref.freqs, target, 2));
  }
});

test('bpe train: vocabulary size, special tokens last and never split, round trip', () => {
  const text = loadSotu().slice(0, 3).map((d) => d.text);
  const tok = trainBpe(text, { vocabSize: 600, specialTokens: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] });
  assert.equal(tok.vocabSize, 600);
  assert.equal(tok.specialId('<|endoftext|>'), 597);
  assert.equal(tok.specialId('<|im_end|>'), 599);
  const msg = '<|im_start|>user\nGentlemen of the Congress<|im_end|><|endoftext|>';
  const ids = tok.encode(msg);
  assert.equal(ids[0], 598);
  assert.deepEqual(ids.slice(-2), [599, 597]);
  assert.equal(tok.decode(ids), msg);
  // Training text that contains a special token never merges across it.
  const t2 = trainBpe(['ab<|endoftext|>ab<|endoftext|>ab'], { vocabSize: 258, specialTokens: ['<|endoftext|>'] });
  assert.equal(t2.merges.length, 1);
  assert.deepEqual(t2.merges[0], ['a', 'b']);
});

test('bpe train: merged ids follow merge order and encoding uses every learned merge greedily', () => {
  const tok = trainBpe(['low lower lowest low low lowest newer newest wider'], { vocabSize: 270, minFrequency: 2 });
  tok.merges.forEach(([a, b], i) => {
    const id = tok.tokenToId(a + b);
    assert.equal(id, 256 + i);
  });
  assert.equal(tok.decode(tok.encode(' lowest newer')), ' lowest newer');
  assert.equal(tok.encode(' low').length, 1);
});

test('bpe train: errors name the option and the expected form', () => {
  assert.throws(() => trainBpe(['x'], { vocabSize: 100 }), /trainBpe: vocabSize must be an integer in \[256/);
  assert.throws(() => trainBpe(['x'], { vocabSize: 300, specialTokens: ['a', 'a'] }), /specialTokens must be distinct/);
});

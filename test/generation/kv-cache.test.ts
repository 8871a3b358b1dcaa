import { test } from 'node:test';
import assert from 'node:assert/strict';
import { target, targetModel } from './fixture.ts';
import { createCache } from '../../src/generation/causal-lm.ts';
import { noGrad, tensor, withBackend } from '../../src/tensor/index.ts';
import { loadNativeAddon } from '../../src/backends/native/index.ts';

const seq = [5, 80, 200, 17, 3, 99, 250, 12, 64, 31];
// Every contract below holds on each backend the machine has (native when its build succeeded).
const backends = loadNativeAddon() ? ['reference', 'native'] : ['reference'];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const backend of backends) {
  test(`${backend}: cached forward in chunks matches the full causal forward`, () => withBackend(backend, () => {
    const full = noGrad(() => targetModel.forward(tensor(Int32Array.from(seq), [1, seq.length]))).contiguous().buffer() as Float32Array;
    const cache = createCache(target, 1);
    const a = target.forward(seq.slice(0, 4), 1, 4, cache);
    const b = target.forward(seq.slice(4, 5), 1, 1, cache);
    const c = target.forward(seq.slice(5), 1, 5, cache);
    const inc = new Float32Array([...a, ...b, ...c]);
    assert.equal(cache.lengths[0], seq.length);
    assert.ok(maxDiff(full, inc) < 1e-4, `max difference ${maxDiff(full, inc)}`);
  }));

  test(`${backend}: a row is bitwise the same alone, in a multi-token pass, and in a batch with other rows`, () => withBackend(backend, () => {
    const v = target.config.vocabSize;
    const one = createCache(target, 1);
    target.forward(seq.slice(0, 6), 1, 6, one);
    const step = target.forward([seq[6]], 1, 1, one); // one-token step at position 6
    const pass = createCache(target, 1);
    target.forward(seq.slice(0, 6), 1, 6, pass);
    const multi = target.forward(seq.slice(6, 10), 1, 4, pass).subarray(0, v); // first row of a 4-token pass
    const batch = createCache(target, 3);
    target.forward([1, 2, 3, 4, 5, 6, ...seq.slice(0, 6), 9, 9, 9, 9, 9, 9], 3, 6, batch);
    const rows = target.forward([7, seq[6], 8], 3, 1, batch).subarray(v, 2 * v);
    assert.deepEqual(Array.from(multi), Array.from(step));
    assert.deepEqual(Array.from(rows), Array.from(step));
    // 5 rows × 4 tokens: over 16 rows the native GEMM packs its operands, the sums stay the same
    const wide = createCache(target, 5);
    const others = (r: number, n: number) => Array.from({ length: n }, (_, j) => (r * 31 + j * 7) % v);
    target.forward([...others(0, 6), ...seq.slice(0, 6), ...others(2, 6), ...others(3, 6), ...others(4, 6)], 5, 6, wide);
    const big = target.forward([...others(5, 4), ...seq.slice(6, 10), ...others(6, 4), ...others(7, 4), ...others(8, 4)], 5, 4, wide);
    assert.deepEqual(Array.from(big.subarray(4 * v, 5 * v)), Array.from(step));
    // left-padded next to a longer row: the same keys from its first real entry, the same logits
    const padded = createCache(target, 2);
    const mask = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    target.forward([0, 0, ...seq.slice(0, 6), 1, 2, 3, 4, 5, 6, 7, 8], 2, 8, padded, { mask });
    const late = target.forward([seq[6], 9], 2, 1, padded).subarray(0, v);
    assert.deepEqual(Array.from(late), Array.from(step));
  }));

  test(`${backend}: truncate rolls a slot back: re-feeding gives the same logits; copySlot clones a prefix`, () => withBackend(backend, () => {
    const cache = createCache(target, 2);
    target.forward(seq.slice(0, 6), 1, 6, cache);
    const first = target.forward(seq.slice(6, 8), 1, 2, cache);
    cache.truncate(0, 6);
    const again = target.forward(seq.slice(6, 8), 1, 2, cache);
    assert.deepEqual(Array.from(again), Array.from(first));
    cache.truncate(0, 6);
    cache.copySlot(cache, 0, 1);
    const copy = target.forward(seq.slice(6, 8), 1, 2, cache, { rows: [1] });
    assert.deepEqual(Array.from(copy), Array.from(first));
    assert.throws(() => cache.truncate(0, 99), /KvCache.truncate: length must be in 0..6/);
  }));

  test(`${backend}: padding entries are skipped: a left-padded row equals the unpadded one`, () => withBackend(backend, () => {
    const plain = createCache(target, 1);
    const a = target.forward(seq.slice(0, 4), 1, 4, plain, { lastOnly: true });
    const padded = createCache(target, 1);
    const b = target.forward([0, 0, ...seq.slice(0, 4)], 1, 6, padded, { mask: [0, 0, 1, 1, 1, 1], lastOnly: true });
    assert.deepEqual(Array.from(b), Array.from(a));
    assert.equal(padded.position(0), 4);
    assert.throws(() => target.forward([1, 0], 1, 2, padded, { mask: [1, 0] }), /KvCache.begin: mask: padding of slot 0 must come before its real tokens/);
  }));
}

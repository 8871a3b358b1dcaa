import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchSampler, TokenFile, counterUniform, sequentialBatches, writeTokenFile } from '../../src/data/index.ts';

function withFile(fn: (f: TokenFile, flat: number[]) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tess-sampler-'));
  try {
    const docs = Array.from({ length: 20 }, (_, d) => Array.from({ length: 37 + d }, (_, i) => (d * 131 + i * 7) % 999));
    writeTokenFile(join(dir, 'a.bin'), docs, 1000, 999);
    const flat = docs.flatMap((d) => [...d, 999]);
    const f = new TokenFile(join(dir, 'a.bin'));
    try { fn(f, flat); } finally { f.close(); }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('sampler: each row is the (T+1)-token slice of the file at its seeded start', () => {
  withFile((f, flat) => {
    const B = 4, T = 16;
    const s = new BatchSampler(f, B, T, { seed: 42, step: 0 });
    for (let step = 0; step < 10; step++) {
      const starts = s.starts(step);
      const batch = s.next();
      assert.equal(batch.tokens.length, B * (T + 1));
      starts.forEach((st, r) => {
        assert.equal(st, Math.floor(counterUniform(42, step, r) * (flat.length - T)));
        assert.ok(st >= 0 && st + T + 1 <= flat.length);
        assert.deepEqual(Array.from(batch.tokens.subarray(r * (T + 1), (r + 1) * (T + 1))), flat.slice(st, st + T + 1));
      });
    }
  });
});

test('sampler: a restored state yields exactly the batches the original would have', () => {
  withFile((f) => {
    const a = new BatchSampler(f, 3, 8, { seed: 7, step: 0 });
    for (let i = 0; i < 5; i++) a.next();
    const saved = JSON.parse(JSON.stringify(a.state())) as { seed: number; step: number };
    assert.deepEqual(saved, { seed: 7, step: 5 });
    const expected = [a.next(), a.next(), a.next()].map((b) => Array.from(b.tokens));
    const b = new BatchSampler(f, 3, 8, saved);
    assert.deepEqual([b.next(), b.next(), b.next()].map((x) => Array.from(x.tokens)), expected);
    const c = new BatchSampler(f, 3, 8);
    c.restore(saved);
    assert.deepEqual(Array.from(c.next().tokens), expected[0]);
    // Another seed gives other windows.
    assert.notDeepEqual(Array.from(new BatchSampler(f, 3, 8, { seed: 8, step: 5 }).next().tokens), expected[0]);
  });
});

test('sampler: starts cover the whole range roughly uniformly (chi-square over 10 bins)', () => {
  const bins = new Array<number>(10).fill(0);
  const n = 20_000;
  for (let i = 0; i < n; i++) bins[Math.floor(counterUniform(1, i >> 2, i & 3) * 10)]!++;
  const chi = bins.reduce((acc, c) => acc + (c - n / 10) ** 2 / (n / 10), 0);
  assert.ok(chi < 27.9, `chi-square ${chi} (9 dof, p=0.001 critical value 27.9)`);
  withFile((f) => {
    assert.throws(() => new BatchSampler(f, 1, f.length), /BatchSampler: .* need at least seqLen \+ 1/);
    assert.throws(() => new BatchSampler(f, 0, 4), /batchSize must be a positive integer, got 0/);
  });
});

test('sampler: sequential batches tile the file at stride T, each target once', () => {
  withFile((f, flat) => {
    const B = 3, T = 10;
    const batches = [...sequentialBatches(f, B, T)];
    assert.equal(batches.length, Math.floor(Math.floor((flat.length - 1) / T) / B));
    const targets: number[] = [];
    batches.forEach((b, i) => {
      for (let r = 0; r < B; r++) {
        const start = (i * B + r) * T;
        const row = Array.from(b.tokens.subarray(r * (T + 1), (r + 1) * (T + 1)));
        assert.deepEqual(row, flat.slice(start, start + T + 1));
        targets.push(...row.slice(1));
      }
    });
    assert.deepEqual(targets, flat.slice(1, 1 + targets.length));
    assert.equal([...sequentialBatches(f, B, T, 2)].length, 2);
  });
});

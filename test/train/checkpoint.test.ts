import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointPath, decodeCheckpoint, encodeCheckpoint, listCheckpoints, loadLatestCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { tmp } from './helpers.ts';

const sample = (step: number) => ({
  step,
  tensors: { 'model.w': Float32Array.from([1.5, -2, step, 1e-30]), 'optim.0.m': Float32Array.from([3, 4, 5]) },
  meta: { sampler: { seed: 7, step }, note: 'αβ' },
});

test('checkpoint: encode/decode round trip keeps every bit and the metadata', () => {
  const ck = sample(12);
  const back = decodeCheckpoint(encodeCheckpoint(ck));
  assert.equal(back.step, 12);
  assert.deepEqual(back.meta, ck.meta);
  for (const [k, v] of Object.entries(ck.tensors)) {
    assert.deepEqual(new Uint8Array(back.tensors[k]!.slice().buffer), new Uint8Array(v.buffer), k);
  }
  assert.equal((encodeCheckpoint(ck).length - 12) % 4, 0, 'header padded so the f32 body is aligned');
});

test('checkpoint: a flipped byte, a truncation or a wrong magic is refused', () => {
  const bytes = encodeCheckpoint(sample(3));
  const flipped = bytes.slice();
  flipped[flipped.length - 2]! ^= 0x40;
  assert.throws(() => decodeCheckpoint(flipped), /corrupt: body checksum/);
  assert.throws(() => decodeCheckpoint(bytes.slice(0, bytes.length - 4)), /corrupt|truncated/);
  assert.throws(() => decodeCheckpoint(bytes.slice(0, 20)), /truncated|corrupt/);
  const bad = bytes.slice();
  bad[0] = 0x41;
  assert.throws(() => decodeCheckpoint(bad), /bad magic/);
});

test('checkpoint: keeps the newest k, latest skips a corrupt file and removes temp files', () => {
  const dir = tmp('tess-ck-');
  try {
    for (const s of [5, 10, 15, 20]) saveCheckpoint(dir, sample(s), 3);
    assert.deepEqual(listCheckpoints(dir), [10, 15, 20]);
    // A corrupt newest file (as if written by something else) falls back to the previous one.
    const p20 = checkpointPath(dir, 20);
    const b = readFileSync(p20);
    b[b.length - 1]! ^= 1;
    writeFileSync(p20, b);
    writeFileSync(join(dir, '.step-00000025.ckpt.123.456.tmp'), 'half');
    const latest = loadLatestCheckpoint(dir);
    assert.equal(latest?.data.step, 15);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')));
    assert.equal(loadLatestCheckpoint(join(dir, 'none')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

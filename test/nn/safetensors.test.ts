// safetensors: the byte layout, every dtype both ways, files written by the PyTorch fixture script,
// atomic saves and clear errors on damaged files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor } from '../../src/index.ts';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from '../../src/nn/index.ts';

test('encode: u64 LE header length, space-padded JSON header, sorted names, packed offsets', () => {
  const bytes = encodeSafetensors({ b: tensor([1, 2, 3]), a: tensor([[7]], { dtype: 'i32' }) }, { format: 'pt' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  assert.deepEqual(header, {
    __metadata__: { format: 'pt' },
    a: { dtype: 'I32', shape: [1, 1], data_offsets: [0, 4] },
    b: { dtype: 'F32', shape: [3], data_offsets: [4, 16] },
  });
  assert.equal(bytes.length, 8 + n + 16);
  const dv = new DataView(bytes.buffer, 8 + n);
  assert.deepEqual([dv.getInt32(0, true), dv.getFloat32(4, true), dv.getFloat32(12, true)], [7, 1, 3]);
});

test('every dtype round-trips, including non-contiguous views (written contiguous)', () => {
  const base = tensor([[1.5, -2.25, 3], [4, 5.5, -6]]);
  const tensors = {
    f32: base, f64: tensor([1e-300, 2], { dtype: 'f64' }), f16: base.cast('f16'), bf16: base.cast('bf16'),
    i32: tensor([-5, 2147483647], { dtype: 'i32' }), u8: tensor([0, 255], { dtype: 'u8' }), i8: tensor([-128, 127], { dtype: 'i8' }),
    t: base.T,
  };
  const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors));
  assert.deepEqual(metadata, {});
  for (const [k, t] of Object.entries(tensors)) {
    assert.equal(back[k].dtype, t.dtype, k);
    assert.deepEqual(back[k].shape, t.shape, k);
    assert.deepEqual(back[k].toFlatArray(), t.toFlatArray(), k);
  }
});

test('reads the files the PyTorch fixture script wrote', () => {
  const dir = fileURLToPath(new URL('../fixtures/models/gpt2/', import.meta.url));
  const { tensors, metadata } = loadSafetensors(join(dir, 'model.safetensors'));
  assert.equal(metadata.format, 'pt');
  const mask = tensors['h.0.attn.bias']; // the causal-mask buffer: lower-triangular ones
  const n = mask.shape[3];
  const flat = mask.toFlatArray();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(flat[i * n + j], j <= i ? 1 : 0);
  assert.deepEqual(tensors['h.1.attn.c_attn.weight'].shape, [32, 96]);
  const io = loadSafetensors(join(dir, 'expected.safetensors')).tensors;
  assert.equal(io.ids.dtype, 'i32');
  assert.equal(io.targets.toFlatArray()[13 + 3], -100);
});

test('save is atomic (no temp file left) and damaged files fail with the path named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-st-'));
  try {
    const p = join(dir, 'w.safetensors');
    saveSafetensors(p, { x: tensor([1, 2]) });
    assert.deepEqual(readdirSync(dir), ['w.safetensors']);
    const good = encodeSafetensors({ x: tensor([1, 2]) });
    writeFileSync(p, good.subarray(0, good.length - 4));
    assert.throws(() => loadSafetensors(p), new RegExp(`safetensors\\(${p}\\): tensor 'x' \\(F32 \\[2\\]\\) has data_offsets \\[0,8\\] inconsistent`));
    writeFileSync(p, good.subarray(0, 5));
    assert.throws(() => loadSafetensors(p), /starts with an 8-byte header length/);
    const bad = Buffer.from(good);
    bad.write('"F99"', bad.indexOf('"F32"'));
    assert.throws(() => decodeSafetensors(bad), /unsupported dtype 'F99'/);
    assert.throws(() => encodeSafetensors({ __metadata__: tensor([1]) }), /'__metadata__' is reserved/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Reads the PyTorch fixtures written by scripts/fixtures/ops.py: a JSON index of cases and one
// binary blob of little-endian 4-byte words (float32 or int32 per tensor).
import { readFileSync } from 'node:fs';
import * as T from '../../src/index.ts';

export interface StoredTensor {
  shape: number[];
  at: number;
  store: 'f32' | 'i32';
  /** The tensor's own dtype where it differs from its storage (i32, u8 masks). */
  dtype?: 'f32' | 'i32' | 'u8';
  grad?: boolean;
}

export type Params = Record<string, number | string | null | boolean | number[]>;

export interface OpCase {
  op: string;
  name: string;
  params: Params;
  inputs: StoredTensor[];
  outputs: StoredTensor[];
  cotangents?: StoredTensor[];
  grads?: (StoredTensor | null)[];
}

export interface MlpFixture {
  lr: number;
  steps: number;
  x: StoredTensor;
  y: StoredTensor;
  params: StoredTensor[];
  final: StoredTensor[];
  losses: number[];
}

interface Index {
  torch: string;
  words: number;
  cases: OpCase[];
  mlp: MlpFixture;
}

const dir = new URL('../fixtures/ops/', import.meta.url);
export const fixtures: Index = JSON.parse(readFileSync(new URL('ops.json', dir), 'utf8')) as Index;
const bytes = readFileSync(new URL('ops.bin', dir));
const blob = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
if (blob.byteLength !== fixtures.words * 4) throw new Error(`ops.bin holds ${blob.byteLength} bytes, the index expects ${fixtures.words * 4}`);

/** The stored values as numbers (row-major). */
export function values(s: StoredTensor): Float64Array {
  const n = s.shape.reduce((a, b) => a * b, 1);
  const src = s.store === 'f32' ? new Float32Array(blob, s.at * 4, n) : new Int32Array(blob, s.at * 4, n);
  return Float64Array.from(src);
}

/** A fresh tensor of the stored values; float tensors in `floatDtype` (f32 for fixtures, f64 for gradchecks). */
export function load(s: StoredTensor, floatDtype: 'f32' | 'f64' = 'f32'): T.Tensor {
  const dtype = s.dtype ?? (s.store === 'f32' ? 'f32' : 'i32');
  const v = values(s);
  if (dtype === 'f32') return T.tensor(floatDtype === 'f32' ? Float32Array.from(v) : v, s.shape);
  if (dtype === 'u8') return T.tensor(Uint8Array.from(v), s.shape);
  return T.tensor(Int32Array.from(v), s.shape);
}

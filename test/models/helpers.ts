// Shared by the model tests: fixture loading and a tensor closeness check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/index.ts';
import { loadSafetensors } from '../../src/nn/index.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

export interface ModelFixture {
  dir: string;
  tensors: Record<string, Tensor>;
  loss: number;
  losses: number[];
  adamw: { lr: number; betas: [number, number]; eps: number; weight_decay: number };
}

export function fixture(name: 'gpt2' | 'llama'): ModelFixture {
  const dir = `${FIXTURES}${name}`;
  const json = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')) as Omit<ModelFixture, 'dir' | 'tensors'>;
  return { dir, tensors: loadSafetensors(`${dir}/expected.safetensors`).tensors, ...json };
}

/** max|a - b| / max|b| over the whole tensor: the relative error of the tensor as a whole. */
export function relError(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape, 'shapes differ');
  const x = a.toFlatArray();
  const y = b.toFlatArray();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / (scale || 1);
}

export function assertClose(a: Tensor, b: Tensor, tol: number, what: string): number {
  const e = relError(a, b);
  assert.ok(e <= tol, `${what}: relative error ${e.toExponential(3)} exceeds ${tol}`);
  return e;
}

// Shared by the native tests: the addon (or why it is missing), seeded data and tolerances.
import { loadNativeAddon, nativeKernels, type NativeAddon } from '../../src/backends/native/index.ts';
import { referenceBackend } from '../../src/backends/reference/index.ts';
import type { Kernels } from '../../src/spec/backend.ts';
import { Rng } from '../../src/util/rng.ts';

export const addon: NativeAddon | null = loadNativeAddon();
export const ref = referenceBackend.kernels as Kernels;
export const nat = addon ? nativeKernels(addon, ref) : null;

/** The sizes that hit SIMD tails and tile edges. */
export const AWKWARD = [1, 3, 31, 32, 33, 63, 64, 65, 127, 128];

export function randn(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

export function randInts(rng: Rng, n: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(hi);
  return a;
}

/** Largest |a - b| / (atol + rtol·|b|); <= 1 means within tolerance. */
export function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let w = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (a[i] === b[i]) continue;
    const e = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(e <= w)) w = e;
  }
  return w;
}

export function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

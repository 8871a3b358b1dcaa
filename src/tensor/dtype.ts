// Dtypes and their storage. f16 and bf16 are stored as raw 16-bit words (conversion through cast).
import type { DType, Storage } from '../spec/backend.ts';
import { fail } from '../util/errors.ts';

export type { DType, Storage, FloatArray } from '../spec/backend.ts';

export const DTYPES: readonly DType[] = ['f32', 'f64', 'i32', 'u8', 'i8', 'f16', 'bf16'];

export function isFloat(d: DType): boolean {
  return d === 'f32' || d === 'f64' || d === 'f16' || d === 'bf16';
}

/** Dtypes that arithmetic kernels compute in directly. */
export function isComputeFloat(d: DType): d is 'f32' | 'f64' {
  return d === 'f32' || d === 'f64';
}

export function bytesOf(d: DType): number {
  switch (d) {
    case 'f64': return 8;
    case 'f32': case 'i32': return 4;
    case 'f16': case 'bf16': return 2;
    default: return 1;
  }
}

export function allocStorage(d: DType, n: number): Storage {
  switch (d) {
    case 'f32': return new Float32Array(n);
    case 'f64': return new Float64Array(n);
    case 'i32': return new Int32Array(n);
    case 'u8': return new Uint8Array(n);
    case 'i8': return new Int8Array(n);
    case 'f16': case 'bf16': return new Uint16Array(n);
    default: return fail('dtype', `unknown dtype '${String(d)}' (expected one of ${DTYPES.join(', ')})`);
  }
}

/** Below this many bytes a zeroed allocation costs no more than an unzeroed one. */
const UNINIT_MIN_BYTES = 1 << 16;

/**
 * Storage whose contents are unspecified (not zero-filled), for kernel outputs that write every
 * element: large buffers then skip the zero-fill pass.
 */
export function allocStorageUninit(d: DType, n: number): Storage {
  const bytes = n * bytesOf(d);
  if (bytes < UNINIT_MIN_BYTES || (d !== 'f32' && d !== 'f64' && d !== 'i32')) return allocStorage(d, n);
  const buf = Buffer.allocUnsafeSlow(bytes).buffer;
  return d === 'f32' ? new Float32Array(buf, 0, n) : d === 'f64' ? new Float64Array(buf, 0, n) : new Int32Array(buf, 0, n);
}

/** The dtype a typed array stores, for arrays handed in by users. */
export function dtypeOfArray(a: Storage): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Int8Array) return 'i8';
  return fail('dtype', 'a Uint16Array is ambiguous (f16 or bf16): pass the dtype explicitly');
}

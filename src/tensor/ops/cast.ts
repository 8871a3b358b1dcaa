// Dtype conversion of storage. f16/bf16 words are converted here in TypeScript (the copy kernel
// only converts between numeric typed arrays); everything else goes through the copy kernel.
import type { DType } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { kernel } from '../engine.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bf16 keeps the top 16 bits of an f32, rounded to nearest even. */
export function f32ToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40; // NaN stays NaN
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bf16ToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** IEEE half precision, round to nearest even. */
export function f32ToF16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m++;
    if (m === 0x400) { m = 0; e++; if (e >= 0x1f) return sign | 0x7c00; }
  }
  return sign | (e << 10) | m;
}

export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** A contiguous copy of x in `dtype` (no autograd here; see cast in elementwise.ts). */
export function castStorage(x: Tensor, dtype: DType): Tensor {
  const half = (d: DType) => d === 'f16' || d === 'bf16';
  if (half(x.dtype) || half(dtype)) {
    const src = half(x.dtype) ? x.contiguous() : castStorage(x, 'f32');
    const s = src.buffer();
    if (half(x.dtype) && !half(dtype)) {
      const toF = x.dtype === 'bf16' ? bf16ToF32 : f16ToF32;
      const tmp = new Float32Array(s.length);
      for (let i = 0; i < s.length; i++) tmp[i] = toF(s[i]);
      const asF32 = new Tensor(tmp, x.shape, 'f32');
      return dtype === 'f32' ? asF32 : castStorage(asF32, dtype);
    }
    const out = Tensor.empty(x.shape, dtype);
    const o = out.data;
    if (half(x.dtype)) {
      const toF = x.dtype === 'bf16' ? bf16ToF32 : f16ToF32;
      const fromF = dtype === 'bf16' ? f32ToBf16 : f32ToF16;
      for (let i = 0; i < s.length; i++) o[i] = fromF(toF(s[i]));
    } else {
      const fromF = dtype === 'bf16' ? f32ToBf16 : f32ToF16;
      for (let i = 0; i < s.length; i++) o[i] = fromF(s[i]);
    }
    return out;
  }
  const out = Tensor.empty(x.shape, dtype);
  kernel('copy', x.dtype, dtype)(x, out, x.shape);
  return out;
}

// The fused attention kernels of native/src/attention-*.c behind the Kernels contract. The C side
// runs the FlashAttention-2 order in f32; the FA1 loop order (kept for the IO experiment) and other
// dtypes go to the fallback backend.
import type { AttentionParams, FloatArray, Kernels } from '../../spec/backend.ts';
import { fail } from '../../util/errors.ts';

/** The addon functions these kernels need (see native/src/attention-addon.c for the argument order). */
export interface NativeAttentionAddon {
  attention(q: Float32Array, k: Float32Array, v: Float32Array, out: Float32Array, lse: Float32Array, nums: Float64Array,
    keyLengths: Int32Array | null, bias: Float32Array | null): void;
  attentionGrad(q: Float32Array, k: Float32Array, v: Float32Array, out: Float32Array, lse: Float32Array, gout: Float32Array,
    gq: Float32Array, gk: Float32Array, gv: Float32Array, gbias: Float32Array | null, nums: Float64Array,
    keyLengths: Int32Array | null, bias: Float32Array | null): void;
  attentionScratch(nums: Float64Array, backward: boolean): number;
  /** Forward tiles (row block, key block) executed since the last call; resets the count. */
  attentionTiles(): number;
}

/** Tile sizes of the native kernels (native/src/attention.h): query rows per block, keys per block. */
export const NATIVE_ATTENTION_TILE = { br: 32, bc: 128 } as const;

/** The scalar parameters in the order the C side reads them. */
export function attentionNums(p: AttentionParams): Float64Array {
  return Float64Array.from([p.batch, p.headsQ, p.headsKV, p.nq, p.nk, p.d, p.scale, p.causal ? 1 : 0,
    p.windowLeft ?? -1, p.windowRight ?? -1, p.dropout, p.seed >>> 0, p.biasBatchStride ?? 0, p.biasHeadStride ?? 0,
    p.softcap ?? 0]);
}

const all32 = (...xs: (FloatArray | null | undefined)[]) => xs.every((x) => x == null || x instanceof Float32Array);

export function nativeAttentionKernels(addon: NativeAttentionAddon, fallback?: Partial<Kernels>): Pick<Kernels, 'attention' | 'attentionGrad'> {
  const viaFallback = (p: AttentionParams, ...xs: FloatArray[]) => (p.loopOrder ?? 2) !== 2 || !all32(...xs, p.bias);
  return {
    attention(q, k, v, out, lse, p) {
      if (viaFallback(p, q, k, v, out, lse)) {
        if (!fallback?.attention) fail('native.attention', 'FA1 order or non-f32 inputs need a fallback backend');
        return fallback.attention(q, k, v, out, lse, p);
      }
      addon.attention(q as Float32Array, k as Float32Array, v as Float32Array, out as Float32Array, lse as Float32Array,
        attentionNums(p), p.keyLengths, (p.bias ?? null) as Float32Array | null);
    },
    attentionGrad(q, k, v, out, lse, gout, gq, gk, gv, p, gbias) {
      if (viaFallback(p, q, k, v, out, lse, gout, gq, gk, gv) || !all32(gbias)) {
        if (!fallback?.attentionGrad) fail('native.attentionGrad', 'FA1 order or non-f32 inputs need a fallback backend');
        return fallback.attentionGrad(q, k, v, out, lse, gout, gq, gk, gv, p, gbias);
      }
      const f = (x: FloatArray) => x as Float32Array;
      addon.attentionGrad(f(q), f(k), f(v), f(out), f(lse), f(gout), f(gq), f(gk), f(gv), (gbias ?? null) as Float32Array | null,
        attentionNums(p), p.keyLengths, (p.bias ?? null) as Float32Array | null);
    },
  };
}

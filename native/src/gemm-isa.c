/* Micro-kernels per ISA, compiled with per-function target options so one build runs everywhere;
 * the driver in gemm.c picks one at run time. */
#include "gemm.h"
#define TS_STR_(x) #x
#define TS_STR(x) TS_STR_(x)

#if defined(__x86_64__)
#include <immintrin.h>

/* ---- AVX-512F: 12 x 32 tile, 24 zmm accumulators ---- */
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
#ifndef TS_AVX512_MR
#define TS_AVX512_MR 12
#define TS_AVX512_NV 2
#endif
#define SFX avx512
#include "isa-avx512.h"
#define MR TS_AVX512_MR
#define NV TS_AVX512_NV
#define VADD(a, b) _mm512_add_ps((a), (b))
#define SK_NV1 16
#define SK_NV2 8
#define SK_NV4 4
#include "gemm-kernel.inc"
KDEF(1) KDEF(2) KDEF(3) KDEF(4) KDEF(5) KDEF(6)
#if MR >= 8
KDEF(7) KDEF(8)
#endif
#if MR >= 12
KDEF(9) KDEF(10) KDEF(11) KDEF(12)
#endif
#if MR >= 14
KDEF(13) KDEF(14)
#endif
const ts_gemm_isa ts_gemm_avx512 = {MR, NV * W, skinny_driver_avx512, "avx512f " TS_STR(TS_AVX512_MR) "x" TS_STR(TS_AVX512_NV) "v",
  {0, kern_avx512_1, kern_avx512_2, kern_avx512_3, kern_avx512_4, kern_avx512_5, kern_avx512_6,
#if MR >= 8
   kern_avx512_7, kern_avx512_8,
#endif
#if MR >= 12
   kern_avx512_9, kern_avx512_10, kern_avx512_11, kern_avx512_12,
#endif
#if MR >= 14
   kern_avx512_13, kern_avx512_14,
#endif
  }};
#include "isa-undef.h"
#undef MR
#undef NV
#undef VADD
#undef SK_NV1
#undef SK_NV2
#undef SK_NV4
#undef SKGEN
#undef SKDEF
#undef SKNAME
#undef SKNAME_
#undef SKNAME__
#undef KGEN
#undef KDEF
#pragma GCC pop_options

/* ---- AVX2 + FMA: 6 x 16 tile, 12 ymm accumulators ---- */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define SFX avx2
#include "isa-avx2.h"
#define MR 6
#define NV 2
#define VADD(a, b) _mm256_add_ps((a), (b))
#define SK_NV1 8
#define SK_NV2 4
#define SK_NV4 2
#include "gemm-kernel.inc"
KDEF(1) KDEF(2) KDEF(3) KDEF(4) KDEF(5) KDEF(6)
const ts_gemm_isa ts_gemm_avx2 = {MR, NV * W, skinny_driver_avx2, "avx2+fma 6x16",
  {0, kern_avx2_1, kern_avx2_2, kern_avx2_3, kern_avx2_4, kern_avx2_5, kern_avx2_6}};
#include "isa-undef.h"
#undef MR
#undef NV
#undef VADD
#undef SK_NV1
#undef SK_NV2
#undef SK_NV4
#undef SKGEN
#undef SKDEF
#undef SKNAME
#undef SKNAME_
#undef SKNAME__
#undef KGEN
#undef KDEF
#pragma GCC pop_options
#endif

#if defined(__aarch64__)
#include <arm_neon.h>
/* ---- NEON: 8 x 12 tile, 24 q-register accumulators ---- */
#define SFX neon
#define VT float32x4_t
#define W 4
#define MR 8
#define NV 3
#define VZERO() vdupq_n_f32(0.0f)
#define VLOAD(p) vld1q_f32(p)
#define VSTORE(p, v) vst1q_f32((p), (v))
#define VBCAST(x) vdupq_n_f32(x)
#define VFMA(a, b, c) vfmaq_f32((c), (a), (b))
#define VADD(a, b) vaddq_f32((a), (b))
#define SFMA(a, b, c) __builtin_fmaf((a), (b), (c))
#define SK_NV1 8
#define SK_NV2 4
#define SK_NV4 2
#include "gemm-kernel.inc"
KDEF(1) KDEF(2) KDEF(3) KDEF(4) KDEF(5) KDEF(6) KDEF(7) KDEF(8)
const ts_gemm_isa ts_gemm_neon = {MR, NV * W, skinny_driver_neon, "neon 8x12",
  {0, kern_neon_1, kern_neon_2, kern_neon_3, kern_neon_4, kern_neon_5, kern_neon_6, kern_neon_7, kern_neon_8}};
#include "isa-undef.h"
#undef MR
#undef NV
#undef VADD
#undef SK_NV1
#undef SK_NV2
#undef SK_NV4
#undef SKGEN
#undef SKDEF
#undef SKNAME
#undef SKNAME_
#undef SKNAME__
#undef KGEN
#undef KDEF
#endif

/* ---- scalar: 4 x 8 tile (mul then add: no FMA is assumed) ---- */
#define SFX scalar
#define VT float
#define W 1
#define MR 4
#define NV 8
#define VZERO() 0.0f
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VBCAST(x) (x)
#define VFMA(a, b, c) ((c) + (a) * (b))
#define VADD(a, b) ((a) + (b))
#define SFMA(a, b, c) ((c) + (a) * (b))
#define SK_NV1 8
#define SK_NV2 4
#define SK_NV4 2
#include "gemm-kernel.inc"
KDEF(1) KDEF(2) KDEF(3) KDEF(4)
const ts_gemm_isa ts_gemm_scalar = {MR, NV * W, skinny_driver_scalar, "scalar 4x8", {0, kern_scalar_1, kern_scalar_2, kern_scalar_3, kern_scalar_4}};

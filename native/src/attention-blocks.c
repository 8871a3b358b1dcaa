/* The four-row attention helpers (attention-blocks.inc) compiled per ISA; one is picked at run time. */
#include "attention.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
#define SFX avx512
#define VT __m512
#define W 16
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VBCAST(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define SFMA(a, b, c) __builtin_fmaf((a), (b), (c))
#include "attention-blocks.inc"
#undef SFX
#undef VT
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VBCAST
#undef VFMA
#undef SFMA
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define SFX avx2
#define VT __m256
#define W 8
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VBCAST(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define SFMA(a, b, c) __builtin_fmaf((a), (b), (c))
#include "attention-blocks.inc"
#undef SFX
#undef VT
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VBCAST
#undef VFMA
#undef SFMA
#pragma GCC pop_options
#endif

/* Portable version: one lane per "vector", the same fmaf chains. */
#define SFX scalar
#define VT float
#define W 1
#define VZERO() 0.0f
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VBCAST(x) (x)
#define VFMA(a, b, c) fmaf((a), (b), (c))
#define SFMA(a, b, c) fmaf((a), (b), (c))
#include "attention-blocks.inc"

const ts_attn_blocks *ts_attn_blocks_get(void) {
#if defined(__x86_64__)
  switch (ts_isa_active()) {
    case ISA_AVX512: return &ts_attn_blocks_avx512;
    case ISA_AVX2: return &ts_attn_blocks_avx2;
    default: break;
  }
#endif
  return &ts_attn_blocks_scalar;
}

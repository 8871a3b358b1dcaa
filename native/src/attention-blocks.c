/* The four-row attention helpers (attention-blocks.inc) compiled per ISA; one is picked at run time. */
#include "attention.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
#define SFX avx512
#include "isa-avx512.h"
#include "attention-blocks.inc"
#include "isa-undef.h"
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define SFX avx2
#include "isa-avx2.h"
#include "attention-blocks.inc"
#include "isa-undef.h"
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

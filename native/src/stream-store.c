/* Scaled copies written with streaming (non-temporal) stores, for outputs far larger than the
 * caches: a normal store first reads the line it writes (write-allocate), so a kernel writing y
 * moves 12 bytes per element where it needs 8; a streaming store skips that read. Only worth it
 * when the output will not be read again soon, hence only above a size threshold (rows.c). The
 * product src[i] * s is one IEEE multiply on every path, so the bits match the plain loop. */
#include "rows.h"
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static void scale_avx512(float *dst, const float *src, float s, long n) {
  const __m512 v = _mm512_set1_ps(s);
  for (long i = 0; i < n; i += 16) _mm512_stream_ps(dst + i, _mm512_mul_ps(_mm512_loadu_ps(src + i), v));
}

__attribute__((target("avx2"))) static void scale_avx2(float *dst, const float *src, float s, long n) {
  const __m256 v = _mm256_set1_ps(s);
  for (long i = 0; i < n; i += 8) _mm256_stream_ps(dst + i, _mm256_mul_ps(_mm256_loadu_ps(src + i), v));
}
#endif

void ts_scale_stream(float *dst, const float *src, float s, long n) {
#if defined(__x86_64__) && defined(__GNUC__)
  const ts_isa isa = ts_isa_active();
  if (isa == ISA_AVX512) {
    scale_avx512(dst, src, s, n);
    return;
  }
  if (isa == ISA_AVX2) {
    scale_avx2(dst, src, s, n);
    return;
  }
#endif
  for (long i = 0; i < n; i++) dst[i] = src[i] * s;
}

void ts_stream_fence(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  _mm_sfence();
#endif
}

/* The GEMM ladder kept for the bench (bench/kernels.ts): each rung is validated against the
 * reference backend and timed, so it stays visible why the shipped kernel (rung 3) won.
 * Also the memory-bandwidth probe the elementwise kernels are measured against. */
#include <string.h>
#include "gemm.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Rung 1: plain C, i-k-j order (the compiler may vectorize the inner loop for the base ISA). */
static void gemm_v1(const float *a, const float *b, float *c, long m, long n, long k) {
  for (long i = 0; i < m; i++) {
    float *ci = c + i * n;
    memset(ci, 0, (size_t)n * sizeof(float));
    for (long p = 0; p < k; p++) {
      const float aip = a[i * k + p];
      const float *bp = b + p * n;
      for (long j = 0; j < n; j++) ci[j] += aip * bp[j];
    }
  }
}

#if defined(__x86_64__)
/* Rung 2: AVX-512 register accumulators (1 row x 64 columns) over the whole K, no packing or
 * cache blocking: B streams from memory once per row of A. */
__attribute__((target("avx512f,fma"))) static void gemm_v2(const float *a, const float *b, float *c, long m,
                                                            long n, long k) {
  long j = 0;
  for (; j + 64 <= n; j += 64) {
    for (long i = 0; i < m; i++) {
      __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
      for (long p = 0; p < k; p++) {
        const __m512 av = _mm512_set1_ps(a[i * k + p]);
        const float *bp = b + p * n + j;
        c0 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bp), c0);
        c1 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bp + 16), c1);
        c2 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bp + 32), c2);
        c3 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bp + 48), c3);
      }
      float *cp = c + i * n + j;
      _mm512_storeu_ps(cp, c0);
      _mm512_storeu_ps(cp + 16, c1);
      _mm512_storeu_ps(cp + 32, c2);
      _mm512_storeu_ps(cp + 48, c3);
    }
  }
  for (long i = 0; i < m; i++)
    for (long jj = j; jj < n; jj++) {
      float s = 0.0f;
      for (long p = 0; p < k; p++) s += a[i * k + p] * b[p * n + jj];
      c[i * n + jj] = s;
    }
}
#endif

int ts_gemm_ladder(int version, const float *a, const float *b, float *c, long m, long n, long k) {
  if (version == 1) {
    gemm_v1(a, b, c, m, n, k);
    return 0;
  }
  if (version == 2) {
#if defined(__x86_64__)
    if (ts_detect_isa() != ISA_AVX512) return -1;
    gemm_v2(a, b, c, m, n, k);
    return 0;
#else
    return -1;
#endif
  }
  if (version == 3) {
    ts_gemm_params p = {1, m, n, k, 0, 0, 0, 0, 0};
    ts_gemm(a, b, c, &p);
    return 0;
  }
  return -1;
}

typedef struct { int kind; float *a; const float *b, *c; long n; float s; ts_range range; } stream_t;

TS_CLONES static void stream_range(const stream_t *j, long lo, long hi) {
  float *restrict a = j->a;
  const float *restrict b = j->b, *restrict c = j->c;
  const float s = j->s;
  if (j->kind == 0)
    for (long i = lo; i < hi; i++) a[i] = b[i];
  else
    for (long i = lo; i < hi; i++) a[i] = b[i] + s * c[i];
}

/* Split like the kernels it is compared with (ts_range). */
static void stream_task(void *ctx, int tid, int nt) {
  stream_t *j = ctx;
  (void)tid;
  (void)nt;
  long lo, hi;
  while (ts_range_next(&j->range, &lo, &hi)) stream_range(j, lo, hi);
}

void ts_stream(int kind, float *a, const float *b, const float *c, long n, float s) {
  stream_t j = {.kind = kind, .a = a, .b = b, .c = c, .n = n, .s = s};
  const int nt = ts_pool_threads();
  ts_range_init(&j.range, n, 1024, nt);
  ts_pool_run(stream_task, &j, nt);
}

/* The FMA peak of one core, for context in the bench: 12 independent accumulator chains of
 * vector FMAs on registers (returns the flops done, 0 when no FMA unit is known). */
#if defined(__x86_64__)
__attribute__((target("avx512f,fma"), noinline)) static double peak512(long it, float *sink) {
  __m512 a[12];
  for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps((float)i);
  const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-3f);
  for (long i = 0; i < it; i++)
#pragma GCC unroll 12
    for (int r = 0; r < 12; r++) a[r] = _mm512_fmadd_ps(a[r], x, y);
  for (int i = 0; i < 12; i++) sink[i] = _mm512_reduce_add_ps(a[i]);
  return 12.0 * 16 * 2 * (double)it;
}
__attribute__((target("avx2,fma"), noinline)) static double peak256(long it, float *sink) {
  __m256 a[12];
  for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps((float)i);
  const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(1e-3f);
  for (long i = 0; i < it; i++)
#pragma GCC unroll 12
    for (int r = 0; r < 12; r++) a[r] = _mm256_fmadd_ps(a[r], x, y);
  float t[8];
  for (int i = 0; i < 12; i++) {
    _mm256_storeu_ps(t, a[i]);
    sink[i] = t[0];
  }
  return 12.0 * 8 * 2 * (double)it;
}
#endif

double ts_fma_peak_flops(long iterations) {
  float sink[12];
#if defined(__x86_64__)
  if (ts_isa_active() == ISA_AVX512) return peak512(iterations, sink);
  if (ts_isa_active() == ISA_AVX2) return peak256(iterations, sink);
#endif
  (void)sink;
  (void)iterations;
  return 0.0;
}

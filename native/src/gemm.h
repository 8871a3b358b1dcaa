/* GEMM internals shared by the driver, the per-ISA micro-kernels and the bench ladder. */
#ifndef TS_GEMM_H
#define TS_GEMM_H
#include "tessera.h"

/* Fixed K block: every output element sums K in blocks of KC, in order, whatever the shape. */
#define TS_KC 384
#define TS_MR_MAX 16
#define TS_SKINNY_M 16

typedef void (*ts_kern)(long kc, const float *pa, const float *b, long ldb, float *c, long ldc, int into);
typedef void (*ts_skinny)(long m, long kc, const float *a, long a_rs, long a_ks, const float *b, long ldb,
                          float *c, long ldc, long ncols, int into);
typedef struct {
  int mr, nr;
  ts_skinny skinny; /* m <= TS_SKINNY_M rows, B row-major read in place */
  const char *name;
  ts_kern kern[TS_MR_MAX + 1]; /* kern[R] computes R rows */
} ts_gemm_isa;

extern const ts_gemm_isa ts_gemm_scalar;
#if defined(__x86_64__)
extern const ts_gemm_isa ts_gemm_avx2;
extern const ts_gemm_isa ts_gemm_avx512;
#endif
#if defined(__aarch64__)
extern const ts_gemm_isa ts_gemm_neon;
#endif
const ts_gemm_isa *ts_gemm_isa_active(void);
#endif

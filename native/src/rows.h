/* Row-parallel helpers: each row is computed by one thread in a fixed order, so results do not
 * depend on the thread count. Sums use 16 interleaved lanes combined by a fixed tree. */
#ifndef TS_ROWS_H
#define TS_ROWS_H
#include <stdint.h>
#include "tessera.h"

typedef void (*ts_rows_fn)(const void *ctx, long r0, long r1);
/* Splits [0, rows) over the pool when rows * cols is large enough to pay for it. */
void ts_rows_run(long rows, long cols, ts_rows_fn fn, const void *ctx);

float ts_row_sum(const float *x, long n);
float ts_row_max(const float *x, long n);
float ts_row_dot(const float *x, const float *y, long n);
/* sum((x - mean)^2) */
float ts_row_sqdev(const float *x, float mean, long n);
/* Row kernels read a row from memory in their first pass and work on it in L1 afterwards; the
 * later passes prefetch the next row 64 floats (4 lines) at a time so memory stays busy. */
#define TS_BLOCK 64
static inline void ts_prefetch_block(const float *row, long at, long n, int write) {
  if (!row || at + TS_BLOCK > n) return;
  for (int k = 0; k < TS_BLOCK; k += 16) ts_prefetch(row + at + k, write ? 1 : 0);
}

/* Sixteen float lanes as one GCC/clang vector: the compiler maps it to one zmm, two ymm or four
 * xmm registers in each TS_CLONES clone. Lane l of a row sum takes columns l, l + 16, ..., the same
 * lanes the scalar sums above use, so both give the same bits. Loads and stores are unaligned. */
typedef float ts_v16 __attribute__((vector_size(64), aligned(4), may_alias));
#define TS_INLINE static inline __attribute__((always_inline))
#define TS_V16_LOAD(p) (*(const ts_v16 *)(p))
#define TS_V16_STORE(p, v) (*(ts_v16 *)(p) = (v))
/* Columns of a row before its first 64-byte boundary (at most n): elementwise passes that write
 * from L1 start their vectors there, since typed arrays are only 16-byte aligned and a vector
 * access across two cache lines costs two. */
TS_INLINE long ts_lead64(const float *row, long n) {
  const long q = (long)((64 - ((uintptr_t)row & 63)) & 63) / (long)sizeof(float);
  return q < n ? q : n;
}

/* dst[i] = src[i] * s with streaming stores (stream-store.c): dst 64-byte aligned, n a multiple of
 * 16. A thread that used it calls ts_stream_fence before its results are read elsewhere. */
void ts_scale_stream(float *dst, const float *src, float s, long n);
void ts_stream_fence(void);

/* Sixteen lanes of a row sum combined by the fixed tree every row sum uses (acc is overwritten). */
TS_INLINE float ts_lanes_sum(float *acc) {
  for (int w = 8; w > 0; w /= 2)
    for (int i = 0; i < w; i++) acc[i] += acc[i + w];
  return acc[0];
}
#endif

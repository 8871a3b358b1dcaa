/* Row-parallel helpers: each row is computed by one thread in a fixed order, so results do not
 * depend on the thread count. Sums use 16 interleaved lanes combined by a fixed tree. */
#ifndef TS_ROWS_H
#define TS_ROWS_H
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
#endif

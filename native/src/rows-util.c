/* Contracting a*b+c into FMA is safe here: each row or element has one code path on a machine. */
#pragma GCC optimize("fp-contract=fast")
#include <math.h>
#include "rows.h"

typedef struct { long rows; ts_rows_fn fn; const void *ctx; ts_range range; } rows_job;

static void rows_task(void *ctx, int tid, int nt) {
  rows_job *j = ctx;
  (void)tid;
  (void)nt;
  long lo, hi;
  while (ts_range_next(&j->range, &lo, &hi)) j->fn(j->ctx, lo, hi);
}

void ts_rows_run(long rows, long cols, ts_rows_fn fn, const void *ctx) {
  int nt = ts_pool_threads();
  if ((double)rows * (double)cols < 32768.0 || rows < 2) nt = 1;
  if (rows < nt) nt = (int)rows;
  rows_job j = {.rows = rows, .fn = fn, .ctx = ctx};
  ts_range_init(&j.range, rows, 1, nt);
  ts_pool_run(rows_task, &j, nt);
}

#define L 16

TS_CLONES float ts_row_sum(const float *x, long n) {
  float acc[L] = {0};
  long i = 0;
  for (; i + L <= n; i += L)
    for (int l = 0; l < L; l++) acc[l] += x[i + l];
  for (; i < n; i++) acc[i % L] += x[i];
  return ts_lanes_sum(acc);
}

TS_CLONES float ts_row_dot(const float *x, const float *y, long n) {
  float acc[L] = {0};
  long i = 0;
  for (; i + L <= n; i += L)
    for (int l = 0; l < L; l++) acc[l] += x[i + l] * y[i + l];
  for (; i < n; i++) acc[i % L] += x[i] * y[i];
  return ts_lanes_sum(acc);
}

TS_CLONES float ts_row_sqdev(const float *x, float mean, long n) {
  float acc[L] = {0};
  long i = 0;
  for (; i + L <= n; i += L)
    for (int l = 0; l < L; l++) {
      const float d = x[i + l] - mean;
      acc[l] += d * d;
    }
  for (; i < n; i++) {
    const float d = x[i] - mean;
    acc[i % L] += d * d;
  }
  return ts_lanes_sum(acc);
}

/* NaN propagates (as in the reference); tracked in a separate flag so the loop vectorizes. */
TS_CLONES float ts_row_max(const float *x, long n) {
  float acc[L];
  int nan[L] = {0};
  for (int l = 0; l < L; l++) acc[l] = -INFINITY;
  long i = 0;
  for (; i + L <= n; i += L)
    for (int l = 0; l < L; l++) {
      const float v = x[i + l];
      acc[l] = v > acc[l] ? v : acc[l];
      nan[l] |= v != v;
    }
  float m = -INFINITY;
  int any = 0;
  for (int l = 0; l < L; l++) {
    m = acc[l] > m ? acc[l] : m;
    any |= nan[l];
  }
  for (; i < n; i++) {
    m = x[i] > m ? x[i] : m;
    any |= x[i] != x[i];
  }
  return any ? NAN : m;
}

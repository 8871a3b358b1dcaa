/* gather / scatter-add along one axis, embedding lookup and its gradient. Accumulating kernels
 * visit their sources in order, splitting work only where writes cannot collide, so results
 * are deterministic and independent of the thread count. */
#include <string.h>
#include "tessera.h"

static int in_range(const int32_t *idx, long n, long limit) {
  for (long i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= limit) return 0;
  return 1;
}

typedef struct { const float *src; const int32_t *idx; float *dst; long outer, dim, idim, inner, cols; } ix_job;

static void gather_task(void *ctx, int tid, int nt) {
  const ix_job *j = ctx;
  long lo, hi;
  ts_split(j->outer * j->idim, 1, tid, nt, &lo, &hi);
  for (long oj = lo; oj < hi; oj++) {
    const long o = oj / j->idim;
    const int32_t *ix = j->idx + oj * j->inner;
    float *out = j->dst + oj * j->inner;
    const float *x = j->src + o * j->dim * j->inner;
    for (long i = 0; i < j->inner; i++) out[i] = x[(long)ix[i] * j->inner + i];
  }
}

int ts_gather(const float *x, const int32_t *idx, float *out, long outer, long dim, long idim, long inner) {
  if (!in_range(idx, outer * idim * inner, dim)) return -1;
  ix_job j = {x, idx, out, outer, dim, idim, inner, 0};
  ts_pool_run(gather_task, &j, outer * idim * inner >= 65536 ? ts_pool_threads() : 1);
  return 0;
}

/* Threads own whole `outer` slices of gx; within one, sources are visited in order. */
static void scatter_task(void *ctx, int tid, int nt) {
  const ix_job *j = ctx;
  long lo, hi;
  ts_split(j->outer, 1, tid, nt, &lo, &hi);
  for (long o = lo; o < hi; o++) {
    float *gx = j->dst + o * j->dim * j->inner;
    for (long jj = 0; jj < j->idim; jj++) {
      const long base = (o * j->idim + jj) * j->inner;
      for (long i = 0; i < j->inner; i++) gx[(long)j->idx[base + i] * j->inner + i] += j->src[base + i];
    }
  }
}

int ts_scatter_add(const float *g, const int32_t *idx, float *gx, long outer, long dim, long idim, long inner) {
  if (!in_range(idx, outer * idim * inner, dim)) return -1;
  ix_job j = {g, idx, gx, outer, dim, idim, inner, 0};
  ts_pool_run(scatter_task, &j, outer >= 2 && outer * idim * inner >= 65536 ? ts_pool_threads() : 1);
  return 0;
}

static void select_task(void *ctx, int tid, int nt) {
  const ix_job *j = ctx;
  long lo, hi;
  ts_split(j->outer, 1, tid, nt, &lo, &hi);
  for (long r = lo; r < hi; r++)
    memcpy(j->dst + r * j->cols, j->src + (long)j->idx[r] * j->cols, (size_t)j->cols * sizeof(float));
}

int ts_index_select(const float *table, long vocab, const int32_t *ids, long nids, float *out, long cols) {
  if (!in_range(ids, nids, vocab)) return -1;
  ix_job j = {table, ids, out, nids, 0, 0, 0, cols};
  ts_pool_run(select_task, &j, nids * cols >= 65536 ? ts_pool_threads() : 1);
  return 0;
}

/* Threads own column ranges of the table; each visits the rows in order. */
TS_CLONES static void index_add_task(void *ctx, int tid, int nt) {
  const ix_job *j = ctx;
  long lo, hi;
  ts_split(j->cols, 16, tid, nt, &lo, &hi);
  for (long r = 0; r < j->outer; r++) {
    float *dst = j->dst + (long)j->idx[r] * j->cols;
    const float *src = j->src + r * j->cols;
    for (long c = lo; c < hi; c++) dst[c] += src[c];
  }
}

int ts_index_add(const float *g, const int32_t *ids, long nids, float *gtable, long vocab, long cols) {
  if (!in_range(ids, nids, vocab)) return -1;
  ix_job j = {g, ids, gtable, nids, 0, 0, 0, cols};
  ts_pool_run(index_add_task, &j, nids * cols >= 65536 && cols >= 64 ? ts_pool_threads() : 1);
  return 0;
}

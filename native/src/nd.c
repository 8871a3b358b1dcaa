#include "nd.h"

void ts_nd_contiguous(ts_nd *nd, int o, long off) {
  long s = 1;
  for (int d = nd->rank - 1; d >= 0; d--) {
    nd->st[o][d] = s;
    s *= nd->shape[d];
  }
  nd->off[o] = off;
}

/* Drops size-1 dims and merges dim d into d+1 when every operand steps over it contiguously. */
static void coalesce(ts_nd *nd) {
  int r = 0;
  for (int d = 0; d < nd->rank; d++) {
    if (nd->shape[d] == 1) continue;
    nd->shape[r] = nd->shape[d];
    for (int o = 0; o < nd->nops; o++) nd->st[o][r] = nd->st[o][d];
    r++;
  }
  nd->rank = r;
  if (r == 0) {
    nd->rank = 1;
    nd->shape[0] = 1;
    for (int o = 0; o < nd->nops; o++) nd->st[o][0] = 0;
    return;
  }
  int w = 0;
  for (int d = 1; d < nd->rank; d++) {
    int ok = 1;
    for (int o = 0; o < nd->nops; o++)
      if (nd->st[o][w] != nd->st[o][d] * nd->shape[d]) ok = 0;
    if (ok) {
      nd->shape[w] *= nd->shape[d];
      for (int o = 0; o < nd->nops; o++) nd->st[o][w] = nd->st[o][d];
    } else {
      w++;
      nd->shape[w] = nd->shape[d];
      for (int o = 0; o < nd->nops; o++) nd->st[o][w] = nd->st[o][d];
    }
  }
  nd->rank = w + 1;
}

typedef struct { const ts_nd *nd; ts_nd_row row; const void *ctx; long outer; ts_range range; } nd_job;

static void nd_task(void *ctx, int tid, int nt) {
  nd_job *j = ctx;
  (void)tid;
  (void)nt;
  const ts_nd *nd = j->nd;
  const int last = nd->rank - 1;
  long lo, hi;
  long inner[ND_MAX_OPS], offs[ND_MAX_OPS];
  for (int o = 0; o < nd->nops; o++) inner[o] = nd->st[o][last];
  while (ts_range_next(&j->range, &lo, &hi))
  for (long r = lo; r < hi; r++) {
    long rem = r;
    for (int o = 0; o < nd->nops; o++) offs[o] = nd->off[o];
    for (int d = last - 1; d >= 0; d--) {
      long i = rem % nd->shape[d];
      rem /= nd->shape[d];
      for (int o = 0; o < nd->nops; o++) offs[o] += i * nd->st[o][d];
    }
    j->row(j->ctx, offs, inner, nd->shape[last]);
  }
}

/* A single row (everything coalesced): threads take contiguous pieces of it. */
static void nd_split_row(void *ctx, int tid, int nt) {
  nd_job *j = ctx;
  (void)tid;
  (void)nt;
  const ts_nd *nd = j->nd;
  long lo, hi, inner[ND_MAX_OPS], offs[ND_MAX_OPS];
  while (ts_range_next(&j->range, &lo, &hi)) {
    for (int o = 0; o < nd->nops; o++) {
      inner[o] = nd->st[o][0];
      offs[o] = nd->off[o] + lo * inner[o];
    }
    j->row(j->ctx, offs, inner, hi - lo);
  }
}

void ts_nd_run(ts_nd *nd, ts_nd_row row, const void *ctx) {
  for (int d = 0; d < nd->rank; d++)
    if (nd->shape[d] == 0) return;
  coalesce(nd);
  long outer = 1;
  for (int d = 0; d < nd->rank - 1; d++) outer *= nd->shape[d];
  const long total = outer * nd->shape[nd->rank - 1];
  int nt = total >= 65536 ? ts_pool_threads() : 1;
  nd_job j = {.nd = nd, .row = row, .ctx = ctx, .outer = outer};
  if (outer == 1) {
    ts_range_init(&j.range, nd->shape[0], 1024, nt);
    ts_pool_run(nd_split_row, &j, nt);
  } else {
    if (outer < nt) nt = (int)outer;
    ts_range_init(&j.range, outer, 1, nt);
    ts_pool_run(nd_task, &j, nt);
  }
}

/* Fused layer-norm and rms-norm, forward and backward. Rows run in parallel; the weight
 * gradients are summed in fixed chunks of rows, so they do not depend on the thread count. */
/* Contracting a*b+c into FMA is safe here: each row or element has one code path on a machine. */
#pragma GCC optimize("fp-contract=fast")
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rows.h"

typedef struct norm_ctx {
  const float *x, *w, *b, *gy, *mean, *rstd;
  float *y, *mean_out, *rstd_out, *gw, *gb;
  long rows, cols;
  float eps;
  /* backward: per-chunk partial weight gradients */
  float *pw, *pb;
  long chunk; /* rows per weight-gradient chunk */
} norm_ctx;

TS_CLONES static void ln_rows(const void *ctx, long r0, long r1) {
  const norm_ctx *c = ctx;
  const long n = c->cols;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n;
    float *y = c->y + r * n;
    const float mean = ts_row_sum(x, n) / (float)n;
    const float rstd = 1.0f / sqrtf(ts_row_sqdev(x, mean, n) / (float)n + c->eps);
    c->mean_out[r] = mean;
    c->rstd_out[r] = rstd;
    if (c->w && c->b) for (long i = 0; i < n; i++) y[i] = (x[i] - mean) * rstd * c->w[i] + c->b[i];
    else if (c->w) for (long i = 0; i < n; i++) y[i] = (x[i] - mean) * rstd * c->w[i];
    else if (c->b) for (long i = 0; i < n; i++) y[i] = (x[i] - mean) * rstd + c->b[i];
    else for (long i = 0; i < n; i++) y[i] = (x[i] - mean) * rstd;
  }
}

void ts_layer_norm(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd, long rows,
                   long cols, float eps) {
  norm_ctx c = {.x = x, .w = w, .b = b, .y = y, .mean_out = mean, .rstd_out = rstd, .rows = rows, .cols = cols, .eps = eps};
  ts_rows_run(rows, cols, ln_rows, &c);
}

/* The backward of both norms, one row. With g = gy * w and xhat = (x - mean) * rstd (mean = 0 for
 * rms-norm, which passes no mean):
 *   layer-norm: gx = rstd * (g - mean(g) - xhat * mean(g * xhat))
 *   rms-norm:   gx = rstd * (g - xhat * mean(g * xhat))
 * The first pass reads the row from memory for the two means; the second works on it in L1,
 * writes gx and adds the row's share of the weight gradients, gy * xhat into pw and gy into pb
 * (when given). Sixteen columns at a time in vector registers.
 *
 * Pass two runs its vectors from gx's first 64-byte boundary: typed arrays are only 16-byte
 * aligned, and a 64-byte access across two cache lines costs two (pass two works in L1, where that
 * cost shows: unaligned, it ran about 20 % slower). Its columns are independent, so where the
 * split falls changes no value. Pass one is a sum over the row, and lane l of it must take the
 * columns j = l (mod 16) as every row sum does, whatever the alignment; it reads from memory,
 * where unaligned loads cost nothing measurable, so it runs from column 0. The backward is built
 * without FMA contraction: grad_out1 and grad_out16 must round alike, and the compiler does not
 * contract scalar and vector code alike. */
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
typedef struct { float mean, rstd, c0, a, d; } grad_consts;

TS_INLINE void grad_sums16(const float *x, const float *gy, const float *w, grad_consts k, ts_v16 *s1, ts_v16 *s2) {
  ts_v16 g = TS_V16_LOAD(gy);
  if (w) g *= TS_V16_LOAD(w);
  *s1 += g;
  *s2 += g * ((TS_V16_LOAD(x) - k.mean) * k.rstd);
}

/* xhat = x * rstd + c0 and gx = g * rstd - (xhat * a + d), with the row's constants folded */
TS_INLINE void grad_out16(const float *x, const float *gy, const float *w, float *gx, float *pw, float *pb,
                          grad_consts k) {
  const ts_v16 gyv = TS_V16_LOAD(gy), xh = TS_V16_LOAD(x) * k.rstd + k.c0;
  ts_v16 g = gyv;
  if (w) g *= TS_V16_LOAD(w);
  TS_V16_STORE(gx, g * k.rstd - (xh * k.a + k.d));
  if (pw) TS_V16_STORE(pw, TS_V16_LOAD(pw) + gyv * xh);
  if (pb) TS_V16_STORE(pb, TS_V16_LOAD(pb) + gyv);
}

/* One column of pass two, for the columns outside the aligned vectors: the same expressions as
 * grad_out16, so the same bits. */
TS_INLINE void grad_out1(const float *x, const float *gy, const float *w, float *gx, float *pw, float *pb, long j,
                         grad_consts k) {
  const float gyj = gy[j], xh = x[j] * k.rstd + k.c0;
  const float g = w ? gyj * w[j] : gyj;
  gx[j] = g * k.rstd - (xh * k.a + k.d);
  if (pw) pw[j] += gyj * xh;
  if (pb) pb[j] += gyj;
}

TS_CLONES static void norm_grad_row(const norm_ctx *c, long r, float *restrict pw, float *restrict pb) {
  const long n = c->cols, nv = n & ~15L, m = n - nv;
  const float *x = c->x + r * n, *gy = c->gy + r * n, *w = c->w;
  float *gx = c->y + r * n;
  grad_consts k = {.mean = c->mean ? c->mean[r] : 0.0f, .rstd = c->rstd[r]};
  ts_v16 s1 = {0}, s2 = {0};
  for (long i = 0; i < nv; i += 16) grad_sums16(x + i, gy + i, w ? w + i : NULL, k, &s1, &s2);
  if (m) { /* the tail on zero-padded copies: the padded lanes add zeros */
    float tx[16] = {0}, tg[16] = {0}, tw[16] = {0};
    memcpy(tx, x + nv, sizeof(float) * (size_t)m);
    memcpy(tg, gy + nv, sizeof(float) * (size_t)m);
    if (w) memcpy(tw, w + nv, sizeof(float) * (size_t)m);
    grad_sums16(tx, tg, w ? tw : NULL, k, &s1, &s2);
  }
  float a1[16], a2[16];
  TS_V16_STORE(a1, s1);
  TS_V16_STORE(a2, s2);
  const float mg = c->mean ? ts_lanes_sum(a1) / (float)n : 0.0f, mgx = ts_lanes_sum(a2) / (float)n;
  k.c0 = -k.mean * k.rstd;
  k.a = k.rstd * mgx;
  k.d = k.rstd * mg;
  const long q = ts_lead64(gx, n), qv = q + ((n - q) & ~15L);
  for (long j = 0; j < q; j++) grad_out1(x, gy, w, gx, pw, pb, j, k);
  for (long i = q; i < qv; i += 16)
    grad_out16(x + i, gy + i, w ? w + i : NULL, gx + i, pw ? pw + i : NULL, pb ? pb + i : NULL, k);
  for (long j = qv; j < n; j++) grad_out1(x, gy, w, gx, pw, pb, j, k);
}

static void norm_grad_rows(const void *ctx, long r0, long r1) {
  for (long r = r0; r < r1; r++) norm_grad_row(ctx, r, NULL, NULL);
}
#pragma GCC pop_options

/* Weight gradients in chunks of rows: each chunk's partial sums are accumulated row by row right
 * after the row's gx (the row is still in L1), then added into gw/gb chunk by chunk in order.
 * A chunk is 32 rows, or more so that there are at most 64 chunks (the partials then stay small
 * next to the tensors); chunks depend on the row count only, never on the thread count, so
 * neither do the sums. */
static long wg_rows(long rows) {
  const long per = (rows + 63) / 64;
  return per <= 32 ? 32 : (per + 31) / 32 * 32;
}

TS_CLONES static void grad_chunks(const void *ctx, long k0, long k1) {
  const norm_ctx *c = ctx;
  const long n = c->cols;
  for (long k = k0; k < k1; k++) {
    const long r0 = k * c->chunk, r1 = r0 + c->chunk < c->rows ? r0 + c->chunk : c->rows;
    float *pw = c->pw ? c->pw + k * n : NULL, *pb = c->pb ? c->pb + k * n : NULL;
    if (pw) for (long i = 0; i < n; i++) pw[i] = 0.0f;
    if (pb) for (long i = 0; i < n; i++) pb[i] = 0.0f;
    for (long r = r0; r < r1; r++) norm_grad_row(c, r, pw, pb);
  }
}

typedef struct { const norm_ctx *c; long chunks; } wsum_job;

TS_CLONES static void wsum_task(void *ctx, int tid, int nt) {
  const wsum_job *j = ctx;
  const norm_ctx *c = j->c;
  long lo, hi;
  ts_split(c->cols, 16, tid, nt, &lo, &hi);
  for (long k = 0; k < j->chunks; k++) {
    if (c->gw) for (long i = lo; i < hi; i++) c->gw[i] += c->pw[k * c->cols + i];
    if (c->gb) for (long i = lo; i < hi; i++) c->gb[i] += c->pb[k * c->cols + i];
  }
}

/* The partial sums are read and written in L1 beside one row each of x, gy and gx, and the lines
 * the hardware prefetcher brings in for the next rows. A row of 1024 floats covers every L1 set
 * once, so a buffer at the same offset within a 4 KB page as the rows lands in the same sets as
 * them, the sets run out of ways and lines evict each other (at 1024 columns, the layer-norm
 * backward ran at about 81 % of the triad's bandwidth instead of 85 %, the rms-norm at 92 % instead
 * of 95 %). Each buffer therefore starts at the page offset, in steps of 256 bytes, farthest from
 * those already taken: the shift in floats. */
#define PAGE_FLOATS 1024
static long page_shift(const float *base, const uintptr_t *taken, int n) {
  long best = 0, best_gap = -1;
  for (long s = 0; s < PAGE_FLOATS; s += 64) {
    const uintptr_t at = ((uintptr_t)(base + s)) & 4095;
    long gap = 4096;
    for (int i = 0; i < n; i++) {
      const long d = (long)((at - (taken[i] & 4095)) & 4095);
      const long circ = d < 4096 - d ? d : 4096 - d;
      gap = circ < gap ? circ : gap;
    }
    if (gap > best_gap) best = s, best_gap = gap;
  }
  return best;
}

/* Runs the row kernel over every row, and the weight gradients when gw or gb is given. */
static void norm_backward(norm_ctx *c) {
  if (!c->gw && !c->gb) {
    ts_rows_run(c->rows, c->cols, norm_grad_rows, c);
    return;
  }
  c->chunk = wg_rows(c->rows);
  const long chunks = (c->rows + c->chunk - 1) / c->chunk;
  const long span = chunks * c->cols + PAGE_FLOATS + 16;
  void *mem = NULL;
  if (posix_memalign(&mem, 64, sizeof(float) * (size_t)span * 2) != 0) abort(); /* out of memory */
  float *buf = mem;
  uintptr_t taken[4] = {(uintptr_t)c->x, (uintptr_t)c->gy, (uintptr_t)c->y};
  /* and the same offset within a cache line as gx, so that pass two's vectors are aligned on both */
  const long mis = (long)((uintptr_t)c->y & 63) / (long)sizeof(float);
  c->pw = c->gw ? buf + mis + page_shift(buf + mis, taken, 3) : NULL;
  taken[3] = (uintptr_t)c->pw;
  c->pb = c->gb ? buf + span + mis + page_shift(buf + span + mis, taken, c->pw ? 4 : 3) : NULL;
  ts_rows_run(chunks, c->cols * c->chunk, grad_chunks, c);
  wsum_job j = {c, chunks};
  ts_pool_run(wsum_task, &j, (double)chunks * c->cols >= 65536.0 && c->cols >= 64 ? ts_pool_threads() : 1);
  free(buf);
}

void ts_layer_norm_grad(const float *x, const float *w, const float *mean, const float *rstd, const float *gy,
                        float *gx, float *gw, float *gb, long rows, long cols) {
  norm_ctx c = {.x = x, .w = w, .gy = gy, .mean = mean, .rstd = rstd, .y = gx, .gw = gw, .gb = gb, .rows = rows,
               .cols = cols};
  norm_backward(&c);
}

TS_CLONES static void rms_rows(const void *ctx, long r0, long r1) {
  const norm_ctx *c = ctx;
  const long n = c->cols;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n;
    float *y = c->y + r * n;
    const float rstd = 1.0f / sqrtf(ts_row_dot(x, x, n) / (float)n + c->eps);
    c->rstd_out[r] = rstd;
    if (c->w) for (long i = 0; i < n; i++) y[i] = x[i] * rstd * c->w[i];
    else for (long i = 0; i < n; i++) y[i] = x[i] * rstd;
  }
}

void ts_rms_norm(const float *x, const float *w, float *y, float *rstd, long rows, long cols, float eps) {
  norm_ctx c = {.x = x, .w = w, .y = y, .rstd_out = rstd, .rows = rows, .cols = cols, .eps = eps};
  ts_rows_run(rows, cols, rms_rows, &c);
}

void ts_rms_norm_grad(const float *x, const float *w, const float *rstd, const float *gy, float *gx, float *gw,
                      long rows, long cols) {
  norm_ctx c = {.x = x, .w = w, .gy = gy, .rstd = rstd, .y = gx, .gw = gw, .rows = rows, .cols = cols};
  norm_backward(&c);
}

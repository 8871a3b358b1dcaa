/* Fused layer-norm and rms-norm, forward and backward. Rows run in parallel; the weight
 * gradients are summed in fixed chunks of rows, so they do not depend on the thread count. */
/* Contracting a*b+c into FMA is safe here: each row or element has one code path on a machine. */
#pragma GCC optimize("fp-contract=fast")
#include <math.h>
#include <stdlib.h>
#include "rows.h"

typedef struct norm_ctx {
  const float *x, *w, *b, *gy, *mean, *rstd;
  float *y, *mean_out, *rstd_out, *gw, *gb;
  long rows, cols;
  float eps;
  /* backward: per-chunk partial weight gradients, and the row kernel computing gx */
  float *pw, *pb;
  long chunk; /* rows per weight-gradient chunk */
  ts_rows_fn rows_fn; /* all rows, no weight gradients */
  void (*row_fn)(const struct norm_ctx *c, long r, float *pw, float *pb);
} norm_ctx;

/* Backward passes: while a row is finished, the next row's x and gy are requested for reading
 * and its gx for writing, a block at a time. */
static inline void prefetch_next_row(const float *x, const float *gy, float *gx, long b, long n) {
  ts_prefetch_block(x + n, b, n, 0);
  ts_prefetch_block(gy + n, b, n, 0);
  ts_prefetch_block(gx + n, b, n, 1);
}

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

/* gx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = gy * w; the row's share of the weight
 * gradients is added into pw, pb (when given) in the same pass. */
TS_CLONES static void ln_grad_row(const norm_ctx *c, long r, float *restrict pw, float *restrict pb) {
  const long n = c->cols;
  const float *x = c->x + r * n, *gy = c->gy + r * n, *w = c->w;
  float *gx = c->y + r * n;
  const float mean = c->mean[r], rstd = c->rstd[r];
  float s1[16] = {0}, s2[16] = {0};
  long i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) {
      const float g = w ? gy[i + l] * w[i + l] : gy[i + l];
      s1[l] += g;
      s2[l] += g * ((x[i + l] - mean) * rstd);
    }
  for (; i < n; i++) {
    const float g = w ? gy[i] * w[i] : gy[i];
    s1[i % 16] += g;
    s2[i % 16] += g * ((x[i] - mean) * rstd);
  }
  for (int k = 8; k > 0; k /= 2)
    for (int l = 0; l < k; l++) {
      s1[l] += s1[l + k];
      s2[l] += s2[l + k];
    }
  const float mg = s1[0] / (float)n, mgx = s2[0] / (float)n;
  /* xhat = x * rstd + c0 and gx = g * rstd - (xhat * a + d), with the row's constants folded */
  const float c0 = -mean * rstd, a = rstd * mgx, d = rstd * mg;
  const int more = r + 1 < c->rows;
  for (long b = 0; b < n; b += TS_BLOCK) {
    if (more) prefetch_next_row(x, gy, gx, b, n);
    const long e = b + TS_BLOCK < n ? b + TS_BLOCK : n;
    if (w && pw && pb) {
      for (long j = b; j < e; j++) {
        const float xh = x[j] * rstd + c0;
        gx[j] = gy[j] * w[j] * rstd - (xh * a + d);
        pw[j] += gy[j] * xh;
        pb[j] += gy[j];
      }
      continue;
    }
    for (long j = b; j < e; j++) {
      const float xh = x[j] * rstd + c0;
      gx[j] = (w ? gy[j] * w[j] : gy[j]) * rstd - (xh * a + d);
    }
    if (pw) for (long j = b; j < e; j++) pw[j] += gy[j] * (x[j] * rstd + c0);
    if (pb) for (long j = b; j < e; j++) pb[j] += gy[j];
  }
}

static void ln_grad_rows(const void *ctx, long r0, long r1) {
  for (long r = r0; r < r1; r++) ln_grad_row(ctx, r, NULL, NULL);
}

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
    for (long r = r0; r < r1; r++) c->row_fn(c, r, pw, pb);
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

/* Runs the row kernel over every row, and the weight gradients when gw or gb is given. */
static void norm_backward(norm_ctx *c) {
  if (!c->gw && !c->gb) {
    ts_rows_run(c->rows, c->cols, c->rows_fn, c);
    return;
  }
  c->chunk = wg_rows(c->rows);
  const long chunks = (c->rows + c->chunk - 1) / c->chunk;
  float *buf = malloc(sizeof(float) * (size_t)chunks * (size_t)c->cols * ((c->gw ? 1 : 0) + (c->gb ? 1 : 0)));
  c->pw = c->gw ? buf : NULL;
  c->pb = c->gb ? buf + (c->gw ? chunks * c->cols : 0) : NULL;
  ts_rows_run(chunks, c->cols * c->chunk, grad_chunks, c);
  wsum_job j = {c, chunks};
  ts_pool_run(wsum_task, &j, (double)chunks * c->cols >= 65536.0 && c->cols >= 64 ? ts_pool_threads() : 1);
  free(buf);
}

void ts_layer_norm_grad(const float *x, const float *w, const float *mean, const float *rstd, const float *gy,
                        float *gx, float *gw, float *gb, long rows, long cols) {
  norm_ctx c = {.x = x, .w = w, .gy = gy, .mean = mean, .rstd = rstd, .y = gx, .gw = gw, .gb = gb, .rows = rows,
               .cols = cols, .rows_fn = ln_grad_rows, .row_fn = ln_grad_row};
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

/* gx = rstd * (g - xhat * mean(g * xhat)), xhat = x * rstd, g = gy * w; the row's share of gw
 * is added into pw (when given) in the same pass. */
TS_CLONES static void rms_grad_row(const norm_ctx *c, long r, float *restrict pw, float *restrict pb) {
  (void)pb;
  const long n = c->cols;
  const float *x = c->x + r * n, *gy = c->gy + r * n, *w = c->w;
  float *gx = c->y + r * n;
  const float rstd = c->rstd[r];
  float s[16] = {0};
  long i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) s[l] += (w ? gy[i + l] * w[i + l] : gy[i + l]) * (x[i + l] * rstd);
  for (; i < n; i++) s[i % 16] += (w ? gy[i] * w[i] : gy[i]) * (x[i] * rstd);
  for (int k = 8; k > 0; k /= 2)
    for (int l = 0; l < k; l++) s[l] += s[l + k];
  const float mgx = s[0] / (float)n;
  const int more = r + 1 < c->rows;
  for (long b = 0; b < n; b += TS_BLOCK) {
    if (more) prefetch_next_row(x, gy, gx, b, n);
    const long e = b + TS_BLOCK < n ? b + TS_BLOCK : n;
    if (w && pw) {
      for (long j = b; j < e; j++) {
        const float xh = x[j] * rstd;
        gx[j] = rstd * (gy[j] * w[j] - xh * mgx);
        pw[j] += gy[j] * xh;
      }
      continue;
    }
    for (long j = b; j < e; j++) gx[j] = rstd * ((w ? gy[j] * w[j] : gy[j]) - x[j] * rstd * mgx);
    if (pw) for (long j = b; j < e; j++) pw[j] += gy[j] * (x[j] * rstd);
  }
}

static void rms_grad_rows(const void *ctx, long r0, long r1) {
  for (long r = r0; r < r1; r++) rms_grad_row(ctx, r, NULL, NULL);
}

void ts_rms_norm_grad(const float *x, const float *w, const float *rstd, const float *gy, float *gx, float *gw,
                      long rows, long cols) {
  norm_ctx c = {.x = x, .w = w, .gy = gy, .rstd = rstd, .y = gx, .gw = gw, .rows = rows, .cols = cols,
               .rows_fn = rms_grad_rows, .row_fn = rms_grad_row};
  norm_backward(&c);
}

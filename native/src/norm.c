/* Fused layer-norm and rms-norm, forward and backward. Rows run in parallel; the weight
 * gradients are summed per column over rows in order (threads split columns), so they do not
 * depend on the thread count. */
#include <math.h>
#include "rows.h"

typedef struct {
  const float *x, *w, *b, *gy, *mean, *rstd;
  float *y, *mean_out, *rstd_out, *gw, *gb;
  long rows, cols;
  float eps;
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

/* gx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = gy * w. */
TS_CLONES static void ln_grad_rows(const void *ctx, long r0, long r1) {
  const norm_ctx *c = ctx;
  const long n = c->cols;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n, *gy = c->gy + r * n;
    float *gx = c->y + r * n;
    const float mean = c->mean[r], rstd = c->rstd[r];
    float s1[16] = {0}, s2[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16)
      for (int l = 0; l < 16; l++) {
        const float g = c->w ? gy[i + l] * c->w[i + l] : gy[i + l];
        s1[l] += g;
        s2[l] += g * ((x[i + l] - mean) * rstd);
      }
    for (; i < n; i++) {
      const float g = c->w ? gy[i] * c->w[i] : gy[i];
      s1[i % 16] += g;
      s2[i % 16] += g * ((x[i] - mean) * rstd);
    }
    for (int w = 8; w > 0; w /= 2)
      for (int l = 0; l < w; l++) {
        s1[l] += s1[l + w];
        s2[l] += s2[l + w];
      }
    const float mg = s1[0] / (float)n, mgx = s2[0] / (float)n;
    if (c->w) for (long j = 0; j < n; j++) gx[j] = rstd * (gy[j] * c->w[j] - mg - (x[j] - mean) * rstd * mgx);
    else for (long j = 0; j < n; j++) gx[j] = rstd * (gy[j] - mg - (x[j] - mean) * rstd * mgx);
  }
}

/* gw[j] += sum_r gy[r,j] * xhat[r,j]; gb[j] += sum_r gy[r,j]; columns split over threads. */
typedef struct { const norm_ctx *c; int rms; } wgrad_job;

TS_CLONES static void wgrad_task(void *ctx, int tid, int nt) {
  const wgrad_job *j = ctx;
  const norm_ctx *c = j->c;
  long lo, hi;
  ts_split(c->cols, 16, tid, nt, &lo, &hi);
  for (long r = 0; r < c->rows; r++) {
    const float *x = c->x + r * c->cols, *gy = c->gy + r * c->cols;
    const float mean = j->rms ? 0.0f : c->mean[r], rstd = c->rstd[r];
    if (c->gw) for (long i = lo; i < hi; i++) c->gw[i] += gy[i] * ((x[i] - mean) * rstd);
    if (c->gb) for (long i = lo; i < hi; i++) c->gb[i] += gy[i];
  }
}

static void weight_grads(const norm_ctx *c, int rms) {
  if (!c->gw && !c->gb) return;
  wgrad_job j = {c, rms};
  int nt = (double)c->rows * c->cols >= 65536.0 && c->cols >= 64 ? ts_pool_threads() : 1;
  ts_pool_run(wgrad_task, &j, nt);
}

void ts_layer_norm_grad(const float *x, const float *w, const float *mean, const float *rstd, const float *gy,
                        float *gx, float *gw, float *gb, long rows, long cols) {
  norm_ctx c = {.x = x, .w = w, .gy = gy, .mean = mean, .rstd = rstd, .y = gx, .gw = gw, .gb = gb, .rows = rows, .cols = cols};
  ts_rows_run(rows, cols, ln_grad_rows, &c);
  weight_grads(&c, 0);
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

/* gx = rstd * (g - xhat * mean(g * xhat)), xhat = x * rstd, g = gy * w. */
TS_CLONES static void rms_grad_rows(const void *ctx, long r0, long r1) {
  const norm_ctx *c = ctx;
  const long n = c->cols;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n, *gy = c->gy + r * n;
    float *gx = c->y + r * n;
    const float rstd = c->rstd[r];
    float s[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16)
      for (int l = 0; l < 16; l++) s[l] += (c->w ? gy[i + l] * c->w[i + l] : gy[i + l]) * (x[i + l] * rstd);
    for (; i < n; i++) s[i % 16] += (c->w ? gy[i] * c->w[i] : gy[i]) * (x[i] * rstd);
    for (int w = 8; w > 0; w /= 2)
      for (int l = 0; l < w; l++) s[l] += s[l + w];
    const float mgx = s[0] / (float)n;
    if (c->w) for (long j = 0; j < n; j++) gx[j] = rstd * (gy[j] * c->w[j] - x[j] * rstd * mgx);
    else for (long j = 0; j < n; j++) gx[j] = rstd * (gy[j] - x[j] * rstd * mgx);
  }
}

void ts_rms_norm_grad(const float *x, const float *w, const float *rstd, const float *gy, float *gx, float *gw,
                      long rows, long cols) {
  norm_ctx c = {.x = x, .w = w, .gy = gy, .rstd = rstd, .y = gx, .gw = gw, .rows = rows, .cols = cols};
  ts_rows_run(rows, cols, rms_grad_rows, &c);
  weight_grads(&c, 1);
}

/* Row reductions, softmax / log-softmax and fused cross-entropy, forward and backward. */
/* Contracting a*b+c into FMA is safe here: each row or element has one code path on a machine. */
#pragma GCC optimize("fp-contract=fast")
#include <math.h>
#include <stdlib.h>
#include "rows.h"
#include "vmath.h"

enum { R_SUM, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN, R_LSE, R_COUNT };

/* Sum of exp(x - m), 16 lanes. */
TS_CLONES static float row_sum_exp(const float *x, float m, long n) {
  float acc[16] = {0};
  long i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] += ts_exp_nonpos(x[i + l] - m);
  for (; i < n; i++) acc[i % 16] += ts_exp_nonpos(x[i] - m);
  for (int w = 8; w > 0; w /= 2)
    for (int l = 0; l < w; l++) acc[l] += acc[l + w];
  return acc[0];
}

static float row_lse(const float *x, long n) {
  const float m = ts_row_max(x, n);
  if (m == -INFINITY || m != m) return m;
  return m + logf(row_sum_exp(x, m, n));
}

typedef struct { int op; const float *x; void *out; long cols; } red_ctx;

static void reduce_rows(const void *ctx, long r0, long r1) {
  const red_ctx *c = ctx;
  const long n = c->cols;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n;
    float *of = c->out;
    int32_t *oi = c->out;
    switch (c->op) {
      case R_SUM: of[r] = ts_row_sum(x, n); break;
      case R_MAX: of[r] = ts_row_max(x, n); break;
      case R_MIN: {
        float m = INFINITY;
        for (long i = 0; i < n; i++) m = x[i] < m || x[i] != x[i] ? x[i] : m;
        of[r] = m;
        break;
      }
      case R_ARGMAX: case R_ARGMIN: {
        long best = 0;
        for (long i = 1; i < n; i++)
          if (c->op == R_ARGMAX ? x[i] > x[best] : x[i] < x[best]) best = i;
        oi[r] = (int32_t)best;
        break;
      }
      case R_LSE: of[r] = row_lse(x, n); break;
      default: break;
    }
  }
}

int ts_reduce(int op, const float *x, long rows, long cols, void *out) {
  if (op < 0 || op >= R_COUNT) return -1;
  red_ctx c = {op, x, out, cols};
  ts_rows_run(rows, cols, reduce_rows, &c);
  return 0;
}

typedef struct { const float *x, *gy; float *y; long cols; int log, stream; } sm_ctx;

/* Softmax outputs of at least this size are written with streaming stores (stream-store.c): half
 * the L3 of the machines we measure on, where the output could not stay in cache anyway. */
#define SM_STREAM_BYTES (16.0 * 1024 * 1024)

/* The row max for softmax, vectorized as a max reduction by assuming no NaN here: a NaN in the
 * row still makes the whole softmax row NaN through exp(x - m) and the sum, as in the reference. */
__attribute__((optimize("finite-math-only", "no-signed-zeros"))) TS_CLONES static float softmax_max(const float *x,
                                                                                                     long n) {
  float m = -INFINITY;
  for (long i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

TS_CLONES static void softmax_rows(const void *ctx, long r0, long r1) {
  const sm_ctx *c = ctx;
  const long n = c->cols;
  /* streaming: exp goes to a scratch row that stays in L1, and only the scaled result goes out */
  float *scratch = NULL;
  if (c->stream && posix_memalign((void **)&scratch, 64, sizeof(float) * (size_t)n) != 0) abort();
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n;
    float *y = c->y + r * n;
    const float *nx = r + 1 < r1 ? x + n : NULL;
    if (c->log) {
      const float m = ts_row_max(x, n);
      const float lse = m + logf(row_sum_exp(x, m, n));
      for (long i = 0; i < n; i++) y[i] = x[i] - lse;
      continue;
    }
    const float m = softmax_max(x, n);
    float *e = scratch ? scratch : y;
    /* exp written once, summed from L1 by the same 16 lanes and tree as every row sum */
    for (long b = 0; b < n; b += TS_BLOCK) {
      ts_prefetch_block(nx, b, n, 0);
      const long end = b + TS_BLOCK < n ? b + TS_BLOCK : n;
      for (long j = b; j < end; j++) e[j] = ts_exp_nonpos(x[j] - m);
    }
    /* the scaling pass runs its vectors from y's first 64-byte boundary (as the norm backward's
     * second pass does): a single multiply per element, so the split changes no value */
    const float inv = 1.0f / ts_row_sum(e, n);
    const long q = ts_lead64(y, n), qv = q + ((n - q) & ~15L);
    for (long j = 0; j < q; j++) y[j] = e[j] * inv;
    if (scratch) ts_scale_stream(y + q, e + q, inv, qv - q);
    else for (long j = q; j < qv; j += 16) TS_V16_STORE(y + j, TS_V16_LOAD(e + j) * inv);
    for (long j = qv; j < n; j++) y[j] = e[j] * inv;
  }
  if (scratch) {
    ts_stream_fence();
    free(scratch);
  }
}

void ts_softmax(const float *x, float *y, long rows, long cols, int log) {
  sm_ctx c = {x, NULL, y, cols, log, !log && cols >= 16 && (double)rows * (double)cols * sizeof(float) >= SM_STREAM_BYTES};
  ts_rows_run(rows, cols, softmax_rows, &c);
}

/* Here x is the forward output y, and y receives gx. */
TS_CLONES static void softmax_grad_rows(const void *ctx, long r0, long r1) {
  const sm_ctx *c = ctx;
  const long n = c->cols;
  for (long r = r0; r < r1; r++) {
    const float *y = c->x + r * n, *gy = c->gy + r * n;
    float *gx = c->y + r * n;
    if (c->log) {
      const float s = ts_row_sum(gy, n);
      for (long i = 0; i < n; i++) gx[i] = gy[i] - ts_exp_nonpos(y[i]) * s;
    } else {
      const float d = ts_row_dot(gy, y, n);
      for (long i = 0; i < n; i++) gx[i] = y[i] * (gy[i] - d);
    }
  }
}

void ts_softmax_grad(const float *y, const float *gy, float *gx, long rows, long cols, int log) {
  sm_ctx c = {y, gy, gx, cols, log};
  ts_rows_run(rows, cols, softmax_grad_rows, &c);
}

typedef struct {
  const float *x, *lse, *gloss;
  const int32_t *t;
  float *loss, *out;
  long cols, ignore;
  float smoothing;
} ce_ctx;

static void ce_rows(const void *ctx, long r0, long r1) {
  const ce_ctx *c = ctx;
  const long n = c->cols;
  const float s = c->smoothing;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n;
    const float lse = row_lse(x, n);
    c->out[r] = lse;
    const long t = c->t[r];
    if (t == c->ignore) {
      c->loss[r] = 0.0f;
      continue;
    }
    float loss = (1.0f - s) * (lse - x[t]);
    if (s != 0.0f) loss += s * (lse - ts_row_sum(x, n) / (float)n);
    c->loss[r] = loss;
  }
}

static int targets_ok(const int32_t *t, long rows, long cols, long ignore) {
  for (long r = 0; r < rows; r++)
    if (t[r] != ignore && (t[r] < 0 || t[r] >= cols)) return 0;
  return 1;
}

int ts_cross_entropy(const float *x, const int32_t *t, float *loss, float *lse, long rows, long cols, long ignore,
                      float smoothing) {
  ce_ctx c = {x, NULL, NULL, t, loss, lse, cols, ignore, smoothing};
  if (!targets_ok(t, rows, cols, ignore)) return -1;
  ts_rows_run(rows, cols, ce_rows, &c);
  return 0;
}

TS_CLONES static void ce_grad_rows(const void *ctx, long r0, long r1) {
  const ce_ctx *c = ctx;
  const long n = c->cols;
  const float s = c->smoothing, off = s / (float)n;
  for (long r = r0; r < r1; r++) {
    const float *x = c->x + r * n;
    float *g = c->out + r * n;
    const long t = c->t[r];
    if (t == c->ignore) {
      for (long i = 0; i < n; i++) g[i] = 0.0f;
      continue;
    }
    const float gl = c->gloss[r], lse = c->lse[r];
    for (long i = 0; i < n; i++) g[i] = gl * (ts_exp_nonpos(x[i] - lse) - off);
    g[t] -= gl * (1.0f - s);
  }
}

int ts_cross_entropy_grad(const float *x, const int32_t *t, const float *lse, const float *gloss, float *gx,
                           long rows, long cols, long ignore, float smoothing) {
  ce_ctx c = {x, lse, gloss, t, NULL, gx, cols, ignore, smoothing};
  if (!targets_ok(t, rows, cols, ignore)) return -1;
  ts_rows_run(rows, cols, ce_grad_rows, &c);
  return 0;
}

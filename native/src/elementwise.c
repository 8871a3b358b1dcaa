/* Unary ops and their gradients (contiguous), binary ops and where with broadcasting (strided
 * inputs, contiguous output), and strided copy with dtype conversion. */
/* Contracting a*b+c into FMA is safe here: each row or element has one code path on a machine. */
#pragma GCC optimize("fp-contract=fast")
#include <math.h>
#include <string.h>
#include "nd.h"
#include "vmath.h"

enum { U_NEG, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_ABS, U_SIGN, U_TANH, U_SIGMOID, U_RELU, U_GELU, U_GELU_TANH,
       U_SILU, U_SQUARE, U_RECIPROCAL, U_COUNT };
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_MIN, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_COUNT };

#define SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_C 0.044715f

static inline float gelu_tanh_inner(float x) { return SQRT_2_OVER_PI * (x + GELU_C * x * x * x); }

/* Each op gets its own loop so the compiler vectorizes it for every clone target. */
#define UNARY_LOOP(EXPR) for (long i = 0; i < n; i++) { const float v = x[i]; y[i] = (EXPR); } break;

TS_CLONES static void unary_range(int op, const float *restrict x, float *restrict y, long n) {
  switch (op) {
    case U_NEG: UNARY_LOOP(-v)
    case U_EXP: UNARY_LOOP(ts_expf(v))
    case U_LOG: UNARY_LOOP(logf(v))
    case U_SQRT: UNARY_LOOP(sqrtf(v))
    case U_RSQRT: UNARY_LOOP(1.0f / sqrtf(v))
    case U_ABS: UNARY_LOOP(fabsf(v))
    case U_SIGN: UNARY_LOOP(v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v))
    case U_TANH: UNARY_LOOP(tanhf(v))
    case U_SIGMOID: UNARY_LOOP(ts_sigmoidf(v))
    case U_RELU: UNARY_LOOP(v > 0.0f ? v : 0.0f)
    case U_GELU: UNARY_LOOP(v * ts_phif(v))
    case U_GELU_TANH: UNARY_LOOP(v * ts_sigmoidf(2.0f * gelu_tanh_inner(v)))
    case U_SILU: UNARY_LOOP(v * ts_sigmoidf(v))
    case U_SQUARE: UNARY_LOOP(v * v)
    case U_RECIPROCAL: UNARY_LOOP(1.0f / v)
    default: break;
  }
}

enum { G_GELU, G_GELU_TANH, G_SILU };

TS_CLONES static void unary_grad_range(int op, const float *restrict x, const float *restrict gy,
                                       float *restrict gx, long n) {
  switch (op) {
    case G_GELU:
      for (long i = 0; i < n; i++) {
        const float v = x[i];
        const float cdf = ts_phif(v);
        const float pdf = 0.3989422804014327f * ts_exp_nonpos(-0.5f * v * v);
        gx[i] = gy[i] * (cdf + v * pdf);
      }
      break;
    case G_GELU_TANH:
      for (long i = 0; i < n; i++) {
        const float v = x[i];
        const float t = 2.0f * ts_sigmoidf(2.0f * gelu_tanh_inner(v)) - 1.0f; /* tanh */
        const float dinner = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_C * v * v);
        gx[i] = gy[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * dinner);
      }
      break;
    case G_SILU:
      for (long i = 0; i < n; i++) {
        const float v = x[i];
        const float s = ts_sigmoidf(v);
        gx[i] = gy[i] * (s * (1.0f + v * (1.0f - s)));
      }
      break;
    default: break;
  }
}

typedef struct { int op; const float *x, *gy; float *y; long n; ts_range range; } un_job;

static int threads_for(long n, long per_thread) {
  long t = n / per_thread;
  int max = ts_pool_threads();
  return t < 1 ? 1 : (t > max ? max : (int)t);
}


static void unary_task(void *ctx, int tid, int nt) {
  un_job *j = ctx;
  (void)tid;
  (void)nt;
  long lo, hi;
  while (ts_range_next(&j->range, &lo, &hi)) {
    if (j->gy) unary_grad_range(j->op, j->x + lo, j->gy + lo, j->y + lo, hi - lo);
    else unary_range(j->op, j->x + lo, j->y + lo, hi - lo);
  }
}

static void unary_run(un_job *j) {
  int nt = threads_for(j->n, 32768);
  ts_range_init(&j->range, j->n, 1024, nt);
  ts_pool_run(unary_task, j, nt);
}

int ts_unary(int op, const float *x, float *y, long n) {
  if (op < 0 || op >= U_COUNT) return -1;
  un_job j = {.op = op, .x = x, .gy = NULL, .y = y, .n = n};
  unary_run(&j);
  return 0;
}

int ts_unary_grad(int op, const float *x, const float *gy, float *gx, long n) {
  if (op < G_GELU || op > G_SILU) return -1;
  un_job j = {.op = op, .x = x, .gy = gy, .y = gx, .n = n};
  unary_run(&j);
  return 0;
}

/* ---- binary ---- */
static inline float fmax_nan(float a, float b) { return a != a ? a : (b != b ? b : (a > b ? a : b)); }
static inline float fmin_nan(float a, float b) { return a != a ? a : (b != b ? b : (a < b ? a : b)); }

typedef struct { int op; const float *a, *b; float *out; } bin_ctx;

#define BIN_LOOP(EXPR) \
  if (sa == 1 && sb == 1) for (long i = 0; i < len; i++) { const float x = a[i], y = b[i]; o[i] = (EXPR); } \
  else if (sa == 1 && sb == 0) { const float y = b[0]; for (long i = 0; i < len; i++) { const float x = a[i]; o[i] = (EXPR); } } \
  else if (sa == 0 && sb == 1) { const float x = a[0]; for (long i = 0; i < len; i++) { const float y = b[i]; o[i] = (EXPR); } } \
  else for (long i = 0; i < len; i++) { const float x = a[i * sa], y = b[i * sb]; o[i] = (EXPR); } \
  break;

TS_CLONES static void binary_row(const void *ctx, const long *offs, const long *inner, long len) {
  const bin_ctx *c = ctx;
  float *restrict o = c->out + offs[0];
  const float *restrict a = c->a + offs[1];
  const float *restrict b = c->b + offs[2];
  const long sa = inner[1], sb = inner[2];
  switch (c->op) {
    case B_ADD: BIN_LOOP(x + y)
    case B_SUB: BIN_LOOP(x - y)
    case B_MUL: BIN_LOOP(x * y)
    case B_DIV: BIN_LOOP(x / y)
    case B_POW: BIN_LOOP(powf(x, y))
    case B_MAX: BIN_LOOP(fmax_nan(x, y))
    case B_MIN: BIN_LOOP(fmin_nan(x, y))
    case B_EQ: BIN_LOOP(x == y ? 1.0f : 0.0f)
    case B_NE: BIN_LOOP(x != y ? 1.0f : 0.0f)
    case B_LT: BIN_LOOP(x < y ? 1.0f : 0.0f)
    case B_LE: BIN_LOOP(x <= y ? 1.0f : 0.0f)
    case B_GT: BIN_LOOP(x > y ? 1.0f : 0.0f)
    case B_GE: BIN_LOOP(x >= y ? 1.0f : 0.0f)
    default: break;
  }
}

static void nd_init(ts_nd *nd, const long *shape, int rank, int nops) {
  nd->rank = rank;
  nd->nops = nops;
  for (int d = 0; d < rank; d++) nd->shape[d] = shape[d];
}

static void nd_view(ts_nd *nd, int o, const ts_view *v) {
  nd->off[o] = v->offset;
  for (int d = 0; d < nd->rank; d++) nd->st[o][d] = v->strides[d];
}

int ts_binary(int op, const ts_view *a, const ts_view *b, float *out, const long *shape, int rank) {
  if (op < 0 || op >= B_COUNT || rank > TS_MAX_RANK) return -1;
  ts_nd nd;
  nd_init(&nd, shape, rank, 3);
  ts_nd_contiguous(&nd, 0, 0);
  nd_view(&nd, 1, a);
  nd_view(&nd, 2, b);
  bin_ctx c = {op, a->data, b->data, out};
  ts_nd_run(&nd, binary_row, &c);
  return 0;
}

/* ---- where ---- */
typedef struct { const void *cond; int ct; const float *a, *b; float *out; } where_ctx;

static inline int truthy(const void *p, int t, long i) {
  switch (t) {
    case TT_F32: return ((const float *)p)[i] != 0.0f;
    case TT_F64: return ((const double *)p)[i] != 0.0;
    case TT_I32: return ((const int32_t *)p)[i] != 0;
    case TT_U8: return ((const uint8_t *)p)[i] != 0;
    case TT_I8: return ((const int8_t *)p)[i] != 0;
    default: return ((const uint16_t *)p)[i] != 0;
  }
}

static void where_row(const void *ctx, const long *offs, const long *inner, long len) {
  const where_ctx *c = ctx;
  float *o = c->out + offs[0];
  for (long i = 0; i < len; i++)
    o[i] = truthy(c->cond, c->ct, offs[1] + i * inner[1]) ? c->a[offs[2] + i * inner[2]] : c->b[offs[3] + i * inner[3]];
}

void ts_where(const ts_view *cond, int cond_type, const ts_view *a, const ts_view *b, float *out,
              const long *shape, int rank) {
  ts_nd nd;
  nd_init(&nd, shape, rank, 4);
  ts_nd_contiguous(&nd, 0, 0);
  nd_view(&nd, 1, cond);
  nd_view(&nd, 2, a);
  nd_view(&nd, 3, b);
  where_ctx c = {cond->data, cond_type, a->data, b->data, out};
  ts_nd_run(&nd, where_row, &c);
}

/* ---- copy with conversion (float -> int follows typed-array stores: truncate, wrap) ---- */
typedef struct { const void *src; int st; void *dst; int dt; } copy_ctx;

static inline double load_as_double(const void *p, int t, long i) {
  switch (t) {
    case TT_F32: return ((const float *)p)[i];
    case TT_F64: return ((const double *)p)[i];
    case TT_I32: return ((const int32_t *)p)[i];
    case TT_U8: return ((const uint8_t *)p)[i];
    case TT_I8: return ((const int8_t *)p)[i];
    default: return ((const uint16_t *)p)[i];
  }
}

static inline int64_t to_wrapped_int(double v) {
  if (!isfinite(v)) return 0;
  double t = trunc(v);
  if (fabs(t) < 9.0e18) return (int64_t)t;
  double m = fmod(t, 4294967296.0);
  return (int64_t)m;
}

static inline void store_double(void *p, int t, long i, double v) {
  switch (t) {
    case TT_F32: ((float *)p)[i] = (float)v; break;
    case TT_F64: ((double *)p)[i] = v; break;
    case TT_I32: ((int32_t *)p)[i] = (int32_t)(uint32_t)(uint64_t)to_wrapped_int(v); break;
    case TT_U8: ((uint8_t *)p)[i] = (uint8_t)(uint64_t)to_wrapped_int(v); break;
    case TT_I8: ((int8_t *)p)[i] = (int8_t)(uint8_t)(uint64_t)to_wrapped_int(v); break;
    default: ((uint16_t *)p)[i] = (uint16_t)(uint64_t)to_wrapped_int(v); break;
  }
}

TS_CLONES static void copy_row(const void *ctx, const long *offs, const long *inner, long len) {
  const copy_ctx *c = ctx;
  const long sd = inner[0], ss = inner[1];
  if (c->st == TT_F32 && c->dt == TT_F32) {
    float *restrict d = (float *)c->dst + offs[0];
    const float *restrict s = (const float *)c->src + offs[1];
    if (sd == 1 && ss == 1) memcpy(d, s, (size_t)len * sizeof(float));
    else for (long i = 0; i < len; i++) d[i * sd] = s[i * ss];
    return;
  }
  if (c->st == c->dt) {
    size_t es = c->st == TT_F64 ? 8 : c->st == TT_I32 ? 4 : c->st == TT_U16 ? 2 : 1;
    char *d = (char *)c->dst + offs[0] * (long)es;
    const char *s = (const char *)c->src + offs[1] * (long)es;
    if (sd == 1 && ss == 1) memcpy(d, s, (size_t)len * es);
    else for (long i = 0; i < len; i++) memcpy(d + i * sd * (long)es, s + i * ss * (long)es, es);
    return;
  }
  for (long i = 0; i < len; i++) store_double(c->dst, c->dt, offs[0] + i * sd, load_as_double(c->src, c->st, offs[1] + i * ss));
}

int ts_copy(const ts_view *src, ts_type st, ts_view *dst, ts_type dt, const long *shape, int rank) {
  if (rank > TS_MAX_RANK) return -1;
  /* 16-bit words are f16 or bf16 bit patterns: only a same-type copy is meaningful here. */
  if ((st == TT_U16) != (dt == TT_U16)) return -1;
  ts_nd nd;
  nd_init(&nd, shape, rank, 2);
  nd_view(&nd, 0, dst);
  nd_view(&nd, 1, src);
  copy_ctx c = {src->data, st, (void *)dst->data, dt};
  ts_nd_run(&nd, copy_row, &c);
  return 0;
}

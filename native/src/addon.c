/* N-API bindings: each kernel reads and writes the tensors' typed arrays in place (zero copy).
 * Every length is checked here before any C kernel touches memory. */
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include "tessera.h"
#include "gemm.h"

#define MAXARGS 16

typedef struct {
  napi_env env;
  napi_value argv[MAXARGS];
  size_t argc;
  const char *name;
  int failed;
} call_t;

static void fail(call_t *c, const char *fmt, const char *detail) {
  if (c->failed) return;
  char msg[256];
  snprintf(msg, sizeof msg, fmt, c->name, detail);
  napi_throw_error(c->env, NULL, msg);
  c->failed = 1;
}

static int begin(call_t *c, napi_env env, napi_callback_info info, const char *name, size_t want) {
  c->env = env;
  c->name = name;
  c->failed = 0;
  c->argc = MAXARGS;
  napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL);
  if (c->argc < want) fail(c, "native.%s: expected more arguments%s", "");
  return !c->failed;
}

static int is_nullish(call_t *c, size_t i) {
  napi_valuetype t;
  napi_typeof(c->env, c->argv[i], &t);
  return t == napi_null || t == napi_undefined;
}

static double num(call_t *c, size_t i) {
  double v = 0;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok) fail(c, "native.%s: argument %s must be a number", "");
  return v;
}

static long lng(call_t *c, size_t i) { return (long)num(c, i); }

static int flag(call_t *c, size_t i) {
  bool b = false;
  if (napi_get_value_bool(c->env, c->argv[i], &b) != napi_ok) return num(c, i) != 0;
  return b;
}

/* A typed array: data pointer, element count and its element type (-1 when not supported). */
static void *typed(call_t *c, size_t i, long *len, int *type) {
  bool is = false;
  napi_is_typedarray(c->env, c->argv[i], &is);
  if (!is) {
    fail(c, "native.%s: expected a typed array%s", "");
    return NULL;
  }
  napi_typedarray_type t;
  size_t n;
  void *data;
  napi_get_typedarray_info(c->env, c->argv[i], &t, &n, &data, NULL, NULL);
  *len = (long)n;
  switch (t) {
    case napi_float32_array: *type = TT_F32; break;
    case napi_float64_array: *type = TT_F64; break;
    case napi_int32_array: *type = TT_I32; break;
    case napi_uint8_array: case napi_uint8_clamped_array: *type = TT_U8; break;
    case napi_int8_array: *type = TT_I8; break;
    case napi_uint16_array: *type = TT_U16; break;
    default: *type = -1;
  }
  return data;
}

/* A Float32Array (or Int32Array when `want` says so) of at least `need` elements; NULL if optional and null. */
static void *arr(call_t *c, size_t i, int want, long need, int optional) {
  if (c->failed) return NULL;
  if (optional && is_nullish(c, i)) return NULL;
  long len;
  int t;
  void *p = typed(c, i, &len, &t);
  if (c->failed) return NULL;
  char d[128];
  if (t != want) {
    snprintf(d, sizeof d, " %zu must be a %s", i, want == TT_F32 ? "Float32Array" : "Int32Array");
    fail(c, "native.%s: argument%s", d);
    return NULL;
  }
  if (len < need) {
    snprintf(d, sizeof d, " %zu has %ld elements, expected at least %ld", i, len, need);
    fail(c, "native.%s: argument%s", d);
    return NULL;
  }
  return p;
}

static int shape_of(call_t *c, size_t i, long *shape, long *count) {
  uint32_t n = 0;
  napi_get_array_length(c->env, c->argv[i], &n);
  if (n > TS_MAX_RANK) {
    fail(c, "native.%s: rank above 8%s", "");
    return 0;
  }
  *count = 1;
  for (uint32_t d = 0; d < n; d++) {
    napi_value v;
    double x = 0;
    napi_get_element(c->env, c->argv[i], d, &v);
    napi_get_value_double(c->env, v, &x);
    shape[d] = (long)x;
    *count *= shape[d];
  }
  return (int)n;
}

/* A strided view (data, offset, strides) at argv[i..i+2], checked against `shape`. */
static int view_of(call_t *c, size_t i, const long *shape, int rank, ts_view *v, int *type) {
  long len;
  v->data = typed(c, i, &len, type);
  if (c->failed) return 0;
  v->offset = lng(c, i + 1);
  uint32_t n = 0;
  napi_get_array_length(c->env, c->argv[i + 2], &n);
  if ((int)n != rank) {
    fail(c, "native.%s: strides must have one entry per dim%s", "");
    return 0;
  }
  long lo = v->offset, hi = v->offset, count = 1;
  for (int d = 0; d < rank; d++) {
    napi_value e;
    double x = 0;
    napi_get_element(c->env, c->argv[i + 2], (uint32_t)d, &e);
    napi_get_value_double(c->env, e, &x);
    v->strides[d] = (long)x;
    count *= shape[d];
    if (x > 0) hi += (shape[d] - 1) * v->strides[d];
    else lo += (shape[d] - 1) * v->strides[d];
  }
  if (count > 0 && (lo < 0 || hi >= len)) {
    fail(c, "native.%s: a strided view reaches outside its storage%s", "");
    return 0;
  }
  return 1;
}

static napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value boolean(napi_env env, int b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

#define FN(NAME) static napi_value NAME(napi_env env, napi_callback_info info)
#define BEGIN(JS, N) call_t C; if (!begin(&C, env, info, JS, N)) return NULL
#define F32(I, NEED) ((float *)arr(&C, I, TT_F32, NEED, 0))
#define F32OPT(I, NEED) ((float *)arr(&C, I, TT_F32, NEED, 1))
#define I32(I, NEED) ((int32_t *)arr(&C, I, TT_I32, NEED, 0))
#define DONE() if (C.failed) return NULL

FN(js_unary) {
  BEGIN("unary", 3);
  int op = (int)lng(&C, 0), t;
  long n;
  typed(&C, 1, &n, &t);
  float *x = F32(1, 0), *y = F32(2, n);
  DONE();
  if (ts_unary(op, x, y, n)) fail(&C, "native.%s: unknown op%s", "");
  return C.failed ? NULL : undef(env);
}

FN(js_unary_grad) {
  BEGIN("unaryGrad", 4);
  int op = (int)lng(&C, 0);
  long n;
  int t;
  typed(&C, 1, &n, &t);
  float *x = F32(1, 0), *gy = F32(2, n), *gx = F32(3, n);
  DONE();
  if (ts_unary_grad(op, x, gy, gx, n)) fail(&C, "native.%s: unknown op%s", "");
  return C.failed ? NULL : undef(env);
}

FN(js_binary) {
  BEGIN("binary", 9);
  int op = (int)lng(&C, 0), ta, tb;
  long shape[TS_MAX_RANK], count;
  int rank = shape_of(&C, 8, shape, &count);
  ts_view a, b;
  DONE();
  view_of(&C, 1, shape, rank, &a, &ta);
  view_of(&C, 4, shape, rank, &b, &tb);
  float *out = F32(7, count);
  DONE();
  if (ta != TT_F32 || tb != TT_F32) return boolean(env, 0);
  if (ts_binary(op, &a, &b, out, shape, rank)) fail(&C, "native.%s: unknown op%s", "");
  return C.failed ? NULL : boolean(env, 1);
}

FN(js_where) {
  BEGIN("where", 11);
  int tc, ta, tb;
  long shape[TS_MAX_RANK], count;
  int rank = shape_of(&C, 10, shape, &count);
  ts_view cv, a, b;
  DONE();
  view_of(&C, 0, shape, rank, &cv, &tc);
  view_of(&C, 3, shape, rank, &a, &ta);
  view_of(&C, 6, shape, rank, &b, &tb);
  float *out = F32(9, count);
  DONE();
  if (ta != TT_F32 || tb != TT_F32 || tc < 0) return boolean(env, 0);
  ts_where(&cv, tc, &a, &b, out, shape, rank);
  return boolean(env, 1);
}

FN(js_copy) {
  BEGIN("copy", 7);
  int ts, td;
  long shape[TS_MAX_RANK], count;
  int rank = shape_of(&C, 6, shape, &count);
  ts_view s, d;
  DONE();
  view_of(&C, 0, shape, rank, &s, &ts);
  view_of(&C, 3, shape, rank, &d, &td);
  DONE();
  if (ts < 0 || td < 0) return boolean(env, 0);
  return boolean(env, ts_copy(&s, (ts_type)ts, &d, (ts_type)td, shape, rank) == 0);
}

FN(js_reduce) {
  BEGIN("reduce", 5);
  int op = (int)lng(&C, 0);
  long rows = lng(&C, 2), cols = lng(&C, 3);
  float *x = F32(1, rows * cols);
  void *out = arr(&C, 4, op == 3 || op == 4 ? TT_I32 : TT_F32, rows, 0);
  DONE();
  if (ts_reduce(op, x, rows, cols, out)) fail(&C, "native.%s: unknown op%s", "");
  return C.failed ? NULL : undef(env);
}

FN(js_matmul) {
  BEGIN("matmul", 12);
  ts_gemm_params p = {lng(&C, 3), lng(&C, 4), lng(&C, 5), lng(&C, 6), flag(&C, 7), flag(&C, 8), flag(&C, 11),
                      lng(&C, 9), lng(&C, 10)};
  DONE();
  if (p.batch < 0 || p.m < 0 || p.n < 0 || p.k < 0 || p.stride_a < 0 || p.stride_b < 0) {
    fail(&C, "native.%s: sizes and strides must be non-negative%s", "");
    return NULL;
  }
  long nb = p.batch > 0 ? p.batch - 1 : 0;
  float *a = F32(0, p.batch ? nb * p.stride_a + p.m * p.k : 0);
  float *b = F32(1, p.batch ? nb * p.stride_b + p.k * p.n : 0);
  float *out = F32(2, p.batch * p.m * p.n);
  DONE();
  ts_gemm(a, b, out, &p);
  return undef(env);
}

FN(js_softmax) {
  BEGIN("softmax", 5);
  long rows = lng(&C, 2), cols = lng(&C, 3);
  float *x = F32(0, rows * cols), *y = F32(1, rows * cols);
  DONE();
  ts_softmax(x, y, rows, cols, flag(&C, 4));
  return undef(env);
}

FN(js_softmax_grad) {
  BEGIN("softmaxGrad", 6);
  long rows = lng(&C, 3), cols = lng(&C, 4);
  float *y = F32(0, rows * cols), *gy = F32(1, rows * cols), *gx = F32(2, rows * cols);
  DONE();
  ts_softmax_grad(y, gy, gx, rows, cols, flag(&C, 5));
  return undef(env);
}

FN(js_layer_norm) {
  BEGIN("layerNorm", 9);
  long rows = lng(&C, 6), cols = lng(&C, 7);
  float *x = F32(0, rows * cols), *w = F32OPT(1, cols), *b = F32OPT(2, cols), *y = F32(3, rows * cols);
  float *mean = F32(4, rows), *rstd = F32(5, rows);
  float eps = (float)num(&C, 8);
  DONE();
  ts_layer_norm(x, w, b, y, mean, rstd, rows, cols, eps);
  return undef(env);
}

FN(js_layer_norm_grad) {
  BEGIN("layerNormGrad", 10);
  long rows = lng(&C, 8), cols = lng(&C, 9);
  float *x = F32(0, rows * cols), *w = F32OPT(1, cols), *mean = F32(2, rows), *rstd = F32(3, rows);
  float *gy = F32(4, rows * cols), *gx = F32(5, rows * cols), *gw = F32OPT(6, cols), *gb = F32OPT(7, cols);
  DONE();
  ts_layer_norm_grad(x, w, mean, rstd, gy, gx, gw, gb, rows, cols);
  return undef(env);
}

FN(js_rms_norm) {
  BEGIN("rmsNorm", 7);
  long rows = lng(&C, 4), cols = lng(&C, 5);
  float *x = F32(0, rows * cols), *w = F32OPT(1, cols), *y = F32(2, rows * cols), *rstd = F32(3, rows);
  float eps = (float)num(&C, 6);
  DONE();
  ts_rms_norm(x, w, y, rstd, rows, cols, eps);
  return undef(env);
}

FN(js_rms_norm_grad) {
  BEGIN("rmsNormGrad", 8);
  long rows = lng(&C, 6), cols = lng(&C, 7);
  float *x = F32(0, rows * cols), *w = F32OPT(1, cols), *rstd = F32(2, rows), *gy = F32(3, rows * cols);
  float *gx = F32(4, rows * cols), *gw = F32OPT(5, cols);
  DONE();
  ts_rms_norm_grad(x, w, rstd, gy, gx, gw, rows, cols);
  return undef(env);
}

FN(js_cross_entropy) {
  BEGIN("crossEntropy", 8);
  long rows = lng(&C, 4), cols = lng(&C, 5), ignore = lng(&C, 6);
  float *x = F32(0, rows * cols), *loss = F32(2, rows), *lse = F32(3, rows);
  int32_t *t = I32(1, rows);
  float s = (float)num(&C, 7);
  DONE();
  if (ts_cross_entropy(x, t, loss, lse, rows, cols, ignore, s)) fail(&C, "native.%s: a target is outside [0, cols)%s", "");
  return C.failed ? NULL : undef(env);
}

FN(js_cross_entropy_grad) {
  BEGIN("crossEntropyGrad", 9);
  long rows = lng(&C, 5), cols = lng(&C, 6), ignore = lng(&C, 7);
  float *x = F32(0, rows * cols), *lse = F32(2, rows), *gl = F32(3, rows), *gx = F32(4, rows * cols);
  int32_t *t = I32(1, rows);
  float s = (float)num(&C, 8);
  DONE();
  if (ts_cross_entropy_grad(x, t, lse, gl, gx, rows, cols, ignore, s))
    fail(&C, "native.%s: a target is outside [0, cols)%s", "");
  return C.failed ? NULL : undef(env);
}

static napi_value gather_like(napi_env env, napi_callback_info info, int scatter) {
  BEGIN(scatter ? "scatterAdd" : "gather", 7);
  long outer = lng(&C, 3), dim = lng(&C, 4), idim = lng(&C, 5), inner = lng(&C, 6);
  float *src = F32(0, scatter ? outer * idim * inner : outer * dim * inner);
  int32_t *idx = I32(1, outer * idim * inner);
  float *dst = F32(2, scatter ? outer * dim * inner : outer * idim * inner);
  DONE();
  int rc = scatter ? ts_scatter_add(src, idx, dst, outer, dim, idim, inner) : ts_gather(src, idx, dst, outer, dim, idim, inner);
  if (rc) fail(&C, "native.%s: an index is outside [0, dim)%s", "");
  return C.failed ? NULL : undef(env);
}
FN(js_gather) { return gather_like(env, info, 0); }
FN(js_scatter_add) { return gather_like(env, info, 1); }

static napi_value index_like(napi_env env, napi_callback_info info, int add) {
  BEGIN(add ? "indexAdd" : "indexSelect", 4);
  long cols = lng(&C, 3), tlen, nids, olen;
  int t;
  DONE();
  if (cols <= 0) {
    fail(&C, "native.%s: cols must be positive%s", "");
    return NULL;
  }
  typed(&C, add ? 2 : 0, &tlen, &t);
  typed(&C, 1, &nids, &t);
  typed(&C, add ? 0 : 2, &olen, &t);
  float *table = F32(add ? 2 : 0, 0), *other = F32(add ? 0 : 2, nids * cols);
  int32_t *ids = I32(1, 0);
  DONE();
  int rc = add ? ts_index_add(other, ids, nids, table, tlen / cols, cols)
               : ts_index_select(table, tlen / cols, ids, nids, other, cols);
  if (rc) fail(&C, "native.%s: an id is outside the table%s", "");
  return C.failed ? NULL : undef(env);
}
FN(js_index_select) { return index_like(env, info, 0); }
FN(js_index_add) { return index_like(env, info, 1); }

FN(js_adamw) {
  BEGIN("adamw", 10);
  long n;
  int t;
  typed(&C, 0, &n, &t);
  float *p = F32(0, 0), *g = F32(1, n), *m = F32(2, n), *v = F32(3, n);
  DONE();
  ts_adamw(p, g, m, v, n, num(&C, 4), num(&C, 5), num(&C, 6), num(&C, 7), num(&C, 8), num(&C, 9));
  return undef(env);
}

FN(js_gemm_ladder) {
  BEGIN("gemmLadder", 7);
  int version = (int)lng(&C, 0);
  long m = lng(&C, 4), n = lng(&C, 5), k = lng(&C, 6);
  float *a = F32(1, m * k), *b = F32(2, k * n), *c = F32(3, m * n);
  DONE();
  return boolean(env, ts_gemm_ladder(version, a, b, c, m, n, k) == 0);
}

FN(js_stream) {
  BEGIN("stream", 6);
  int kind = (int)lng(&C, 0);
  long n = lng(&C, 4);
  float *a = F32(1, n), *b = F32(2, n), *c = F32(3, n);
  DONE();
  ts_stream(kind, a, b, c, n, (float)num(&C, 5));
  return undef(env);
}

FN(js_fma_peak) {
  BEGIN("fmaPeak", 1);
  long it = lng(&C, 0);
  DONE();
  napi_value v;
  napi_create_double(env, ts_fma_peak_flops(it), &v);
  return v;
}

FN(js_set_threads) {
  BEGIN("setThreads", 1);
  long n = lng(&C, 0);
  DONE();
  ts_pool_set_threads((int)n);
  return undef(env);
}

FN(js_set_isa) {
  BEGIN("setIsa", 1);
  char buf[32] = {0};
  size_t len;
  napi_get_value_string_utf8(env, C.argv[0], buf, sizeof buf, &len);
  ts_set_isa(strcmp(buf, "avx512f") == 0 ? ISA_AVX512 : strcmp(buf, "avx2+fma") == 0 ? ISA_AVX2
             : strcmp(buf, "neon") == 0 ? ISA_NEON : ISA_SCALAR);
  return undef(env);
}

static void set_str(napi_env env, napi_value obj, const char *key, const char *val) {
  napi_value v;
  napi_create_string_utf8(env, val, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

static int heap_tuned; /* set once by init */

FN(js_info) {
  (void)info;
  napi_value obj, v;
  napi_create_object(env, &obj);
  set_str(env, obj, "isa", ts_isa_name(ts_isa_active()));
  set_str(env, obj, "detectedIsa", ts_isa_name(ts_detect_isa()));
  set_str(env, obj, "gemmKernel", ts_gemm_isa_active()->name);
  napi_create_int32(env, ts_pool_threads(), &v);
  napi_set_named_property(env, obj, "threads", v);
  napi_create_int32(env, TS_KC, &v);
  napi_set_named_property(env, obj, "kc", v);
  napi_get_boolean(env, heap_tuned, &v);
  napi_set_named_property(env, obj, "heapReuse", v);
  return obj;
}

/* Fused attention bindings live beside their kernels (native/src/attention-addon.c). */
void ts_attention_exports(napi_env env, napi_value exports);

static napi_value init(napi_env env, napi_value exports) {
  heap_tuned = ts_heap_tune();
  struct { const char *name; napi_callback fn; } fns[] = {
    {"info", js_info}, {"setThreads", js_set_threads}, {"setIsa", js_set_isa},
    {"unary", js_unary}, {"unaryGrad", js_unary_grad}, {"binary", js_binary}, {"where", js_where},
    {"copy", js_copy}, {"reduce", js_reduce}, {"matmul", js_matmul}, {"softmax", js_softmax},
    {"softmaxGrad", js_softmax_grad}, {"layerNorm", js_layer_norm}, {"layerNormGrad", js_layer_norm_grad},
    {"rmsNorm", js_rms_norm}, {"rmsNormGrad", js_rms_norm_grad}, {"crossEntropy", js_cross_entropy},
    {"crossEntropyGrad", js_cross_entropy_grad}, {"gather", js_gather}, {"scatterAdd", js_scatter_add},
    {"indexSelect", js_index_select}, {"indexAdd", js_index_add}, {"adamw", js_adamw},
    {"gemmLadder", js_gemm_ladder}, {"stream", js_stream}, {"fmaPeak", js_fma_peak},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  ts_attention_exports(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

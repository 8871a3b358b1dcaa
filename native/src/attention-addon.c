/* N-API bindings of the fused attention kernels. Scalars travel in one Float64Array:
 * [batch, hq, hkv, nq, nk, d, scale, causal, winLeft, winRight, dropout, seed, biasBatchStride,
 *  biasHeadStride, softcap]; every array length is checked before the kernel runs. */
#include <node_api.h>
#include <stdio.h>
#include "attention.h"

#define NUMS 15

typedef struct { napi_env env; napi_value argv[16]; size_t argc; const char *name; int failed; } acall;

static void afail(acall *c, const char *what) {
  if (c->failed) return;
  char msg[256];
  snprintf(msg, sizeof msg, "native.%s: %s", c->name, what);
  napi_throw_error(c->env, NULL, msg);
  c->failed = 1;
}

/* Typed array i of the wanted kind with at least `need` elements; NULL when optional and null. */
static void *aarr(acall *c, size_t i, napi_typedarray_type want, long need, int optional) {
  if (c->failed) return NULL;
  napi_valuetype vt;
  napi_typeof(c->env, c->argv[i], &vt);
  if (optional && (vt == napi_null || vt == napi_undefined)) return NULL;
  bool is = false;
  napi_is_typedarray(c->env, c->argv[i], &is);
  napi_typedarray_type t;
  size_t n = 0;
  void *data = NULL;
  if (is) napi_get_typedarray_info(c->env, c->argv[i], &t, &n, &data, NULL, NULL);
  char msg[160];
  if (!is || t != want) {
    snprintf(msg, sizeof msg, "argument %zu must be a %s", i, want == napi_float32_array ? "Float32Array"
             : want == napi_int32_array ? "Int32Array" : "Float64Array");
    afail(c, msg);
    return NULL;
  }
  if ((long)n < need) {
    snprintf(msg, sizeof msg, "argument %zu has %zu elements, expected at least %ld", i, n, need);
    afail(c, msg);
    return NULL;
  }
  return data;
}

static int params_of(acall *c, size_t inums, size_t ilen, size_t ibias, ts_attn_params *p) {
  const double *x = aarr(c, inums, napi_float64_array, NUMS, 0);
  if (!x) return 0;
  *p = (ts_attn_params){(long)x[0], (long)x[1], (long)x[2], (long)x[3], (long)x[4], (long)x[5], (float)x[6],
                        (float)x[14], x[7] != 0, (long)x[8], (long)x[9], NULL, x[10], (uint32_t)x[11], NULL,
                        (long)x[12], (long)x[13]};
  if (p->batch < 0 || p->hq < 1 || p->hkv < 1 || p->hq % p->hkv || p->nq < 0 || p->nk < 0 || p->d < 1) {
    afail(c, "sizes must be non-negative and hq a multiple of hkv");
    return 0;
  }
  p->key_len = aarr(c, ilen, napi_int32_array, p->batch, 1);
  long bias_need = p->nq * p->nk + (p->batch - 1) * p->bias_bs + (p->hq - 1) * p->bias_hs;
  p->bias = aarr(c, ibias, napi_float32_array, bias_need, 1);
  return !c->failed;
}

static int abegin(acall *c, napi_env env, napi_callback_info info, const char *name, size_t want) {
  c->env = env;
  c->name = name;
  c->failed = 0;
  c->argc = 16;
  napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL);
  if (c->argc < want) afail(c, "expected more arguments");
  return !c->failed;
}

/* attention(q, k, v, out, lse, nums, keyLengths | null, bias | null) */
static napi_value js_attention(napi_env env, napi_callback_info info) {
  acall C;
  ts_attn_params p;
  if (!abegin(&C, env, info, "attention", 8) || !params_of(&C, 5, 6, 7, &p)) return NULL;
  const long nqd = p.batch * p.hq * p.nq * p.d, nkd = p.batch * p.hkv * p.nk * p.d;
  const float *q = aarr(&C, 0, napi_float32_array, nqd, 0), *k = aarr(&C, 1, napi_float32_array, nkd, 0);
  const float *v = aarr(&C, 2, napi_float32_array, nkd, 0);
  float *out = aarr(&C, 3, napi_float32_array, nqd, 0), *lse = aarr(&C, 4, napi_float32_array, p.batch * p.hq * p.nq, 0);
  if (C.failed) return NULL;
  ts_attention_fwd(q, k, v, out, lse, &p);
  return NULL;
}

/* attentionGrad(q, k, v, out, lse, gout, gq, gk, gv, gbias | null, nums, keyLengths | null, bias | null) */
static napi_value js_attention_grad(napi_env env, napi_callback_info info) {
  acall C;
  ts_attn_params p;
  if (!abegin(&C, env, info, "attentionGrad", 13) || !params_of(&C, 10, 11, 12, &p)) return NULL;
  const long nqd = p.batch * p.hq * p.nq * p.d, nkd = p.batch * p.hkv * p.nk * p.d;
  const napi_typedarray_type F = napi_float32_array;
  const float *q = aarr(&C, 0, F, nqd, 0), *k = aarr(&C, 1, F, nkd, 0), *v = aarr(&C, 2, F, nkd, 0);
  const float *out = aarr(&C, 3, F, nqd, 0), *lse = aarr(&C, 4, F, p.batch * p.hq * p.nq, 0);
  const float *gout = aarr(&C, 5, F, nqd, 0);
  float *gq = aarr(&C, 6, F, nqd, 0), *gk = aarr(&C, 7, F, nkd, 0), *gv = aarr(&C, 8, F, nkd, 0);
  float *gbias = aarr(&C, 9, F, p.batch * p.hq * p.nq * p.nk, 1);
  if (C.failed) return NULL;
  ts_attention_bwd(q, k, v, out, lse, gout, gq, gk, gv, gbias, &p);
  return NULL;
}

/* attentionScratch(nums, backward): bytes the kernels allocate besides their inputs and outputs. */
static napi_value js_attention_scratch(napi_env env, napi_callback_info info) {
  acall C;
  ts_attn_params p;
  if (!abegin(&C, env, info, "attentionScratch", 2)) return NULL;
  const double *x = aarr(&C, 0, napi_float64_array, NUMS, 0);
  if (!x) return NULL;
  p = (ts_attn_params){(long)x[0], (long)x[1], (long)x[2], (long)x[3], (long)x[4], (long)x[5]};
  bool bw = false;
  napi_get_value_bool(env, C.argv[1], &bw);
  napi_value r;
  napi_create_double(env, (double)ts_attention_scratch(&p, bw), &r);
  return r;
}

static napi_value js_attention_tiles(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_double(env, (double)ts_attention_tiles_take(), &r);
  return r;
}

void ts_attention_exports(napi_env env, napi_value exports) {
  const struct { const char *name; napi_callback fn; } fns[] = {
    {"attention", js_attention}, {"attentionGrad", js_attention_grad}, {"attentionScratch", js_attention_scratch},
    {"attentionTiles", js_attention_tiles}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
}

/* Fused attention (FlashAttention-2 loop order): shared parameters and the per-lane helpers used by
 * the forward and the backward. Every helper is plain IEEE arithmetic plus fmaf on fixed-width
 * blocks, so each row's result is the same bits in every ISA clone and whatever block it sits in. */
#ifndef TS_ATTENTION_H
#define TS_ATTENTION_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "tessera.h"

/* Key block width and query row block height: fixed per build, never chosen from the shapes. */
#define TS_ATT_BC 128
#define TS_ATT_BR 32

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define TS_ATT_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define TS_ATT_CLONES
#endif

typedef struct {
  long batch, hq, hkv, nq, nk, d;
  float scale, softcap; /* softcap 0 = none */
  int causal;
  long win_left, win_right; /* -1 = unbounded */
  const int32_t *key_len;   /* NULL = all nk */
  double dropout;
  uint32_t seed;
  const float *bias; /* NULL or (.., .., nq, nk) rows with these batch / head strides (0 = broadcast) */
  long bias_bs, bias_hs;
} ts_attn_params;

/* The half-open key range [lo, hi) query i of batch row b may see; hi <= lo means none. */
static inline void ts_attn_range(const ts_attn_params *p, long b, long i, long *lo, long *hi) {
  long len = p->key_len ? (p->key_len[b] < p->nk ? p->key_len[b] : p->nk) : p->nk;
  if (len < 0) len = 0;
  long o = p->nk - p->nq, h = len, l = 0;
  if (p->causal && i + o + 1 < h) h = i + o + 1;
  if (p->win_right >= 0 && i + o + p->win_right + 1 < h) h = i + o + p->win_right + 1;
  if (p->win_left >= 0 && i + o - p->win_left > l) l = i + o - p->win_left;
  *lo = l;
  *hi = h;
}

/* Mirrors src/util/keep-mask.ts bit for bit. */
static inline uint32_t ts_mix32(uint32_t x) {
  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; return x ^ (x >> 16);
}
static inline uint32_t ts_keep_head(uint32_t seed, long b, long h) {
  uint32_t x = ts_mix32(seed);
  x = ts_mix32(x + (uint32_t)(b + 1) * 0x9e3779b1u);
  return ts_mix32(x + (uint32_t)(h + 1) * 0x85ebca77u);
}
static inline uint32_t ts_keep_row(uint32_t head, long i) { return ts_mix32(head + (uint32_t)(i + 1) * 0xc2b2ae3du); }
static inline int ts_keeps(uint32_t row, long j, double p) {
  uint32_t x = ts_mix32(row + (uint32_t)(j + 1) * 0x27d4eb2fu);
  return (double)(x >> 8) / 16777216.0 >= p;
}

/* exp(x) for x <= 0 (and -inf): Cody-Waite reduction and a degree-7 Taylor polynomial on
 * |r| <= ln2/2 (truncation < 6e-9 relative, about 1 ulp in all); results below 2^-126 flush to 0.
 * Written per lane with fmaf so that vector and scalar uses round identically. */
static inline float ts_expf(float x) {
  x = x < -104.0f ? -104.0f : x;
  const float t = x * 1.44269504088896341f;
  const float n = (t + 12582912.0f) - 12582912.0f; /* round to nearest */
  float r = fmaf(-n, 0.693145751953125f, x);
  r = fmaf(-n, 1.428606765330187e-06f, r);
  float y = 1.9841270e-4f;
  y = fmaf(y, r, 1.3888889e-3f);
  y = fmaf(y, r, 8.3333333e-3f);
  y = fmaf(y, r, 4.1666667e-2f);
  y = fmaf(y, r, 1.6666667e-1f);
  y = fmaf(y, r, 0.5f);
  y = fmaf(y, r, 1.0f);
  y = fmaf(y, r, 1.0f);
  int32_t e = (int32_t)n + 127;
  const int32_t bits = (e > 0 ? e : 0) << 23;
  float s;
  memcpy(&s, &bits, 4);
  return e > 0 ? y * s : 0.0f;
}

/* Dot product, sequential fmaf over i (the per-element order of the score dots). */
float ts_attn_dot(const float *a, const float *b, long n);
/* Fixed-tree sum of n (multiple of 16) values. */
float ts_attn_sum(const float *x, long n);
/* Transposes rows [j0, j0 + cols) of x (rows, d), times a, into columns < cols of xt (d, BC), zero
 * past `rows`; cols = ts_attn_cols(rows - j0) covers what the score dots read. */
void ts_attn_pack_t(const float *x, long rows, long j0, long d, float a, float *xt, long cols);
static inline long ts_attn_cols(long n) { return n >= TS_ATT_BC ? TS_ATT_BC : (n + 31) / 32 * 32; }

/* Four query rows at a time (attention-blocks.c); row pointers may repeat to pad a group. */
typedef struct {
  /* s[r][j] = Σ_c q[r][c]·kt[c][j], c ascending, for r < nr (1..4) and j < n rounded up to 32. */
  void (*dot4)(const float *const *q, int nr, const float *kt, long d, long n, float *const *s);
  /* acc[r][0..d) += Σ_j w[r][j]·x[j][0..d), j ascending, zero weights skipped. */
  void (*gemv4)(float *const *acc, const float *const *w, const float *x, long n, long d);
  /* acc[j][0..d) += Σ_r w[r][j]·x[r][0..d), r ascending, zero weights skipped. */
  void (*ger4)(float *acc, const float *const *w, const float *const *x, long n, long d);
} ts_attn_blocks;
const ts_attn_blocks *ts_attn_blocks_get(void);
/* Row maximum of BC scores (exact in any order). */
float ts_attn_max(const float *s);


/* Scale, softcap, bias and mask (-inf) on the raw scores of query row i against keys [j0, j0 + BC). */
void ts_attn_scores_post(const ts_attn_params *p, long b, long h, long i, long j0, long lo, long hi, float *s);

void ts_attention_fwd(const float *q, const float *k, const float *v, float *out, float *lse, const ts_attn_params *p);
void ts_attention_bwd(const float *q, const float *k, const float *v, const float *out, const float *lse,
                      const float *gout, float *gq, float *gk, float *gv, float *gbias, const ts_attn_params *p);
/* Scratch the kernels allocate per worker, in bytes (the op reports it beside the engine counter). */
long ts_attention_scratch(const ts_attn_params *p, int backward);
/* Forward tiles executed since the last call (and resets the count). */
long ts_attention_tiles_take(void);
#endif

/* Fused attention forward, FlashAttention-2 loop order: work units are (batch, head, row block);
 * each row streams fixed-width key blocks from key 0 in increasing order with an online softmax
 * (running max m, running sum l, unnormalised output acc) and saves only its log-sum-exp. A row
 * visits exactly the blocks that hold keys it may see, whatever other rows share its block, so
 * its bits do not depend on N_q, the batch or the thread count (spec §2.7). */
#include <stdatomic.h>
#include <stdlib.h>
#include "attention.h"

TS_ATT_CLONES static void exp_shift(float *s, float m) {
  for (int j = 0; j < TS_ATT_BC; j++) s[j] = ts_expf(s[j] - m);
}

TS_ATT_CLONES static void scale_row(float *acc, float a, long d) {
  for (long c = 0; c < d; c++) acc[c] *= a;
}

/* Scores of query row i against keys [j0, j0 + BC): scale, softcap, bias, then the mask (-inf). */
void ts_attn_scores(const ts_attn_params *p, long b, long h, long i, long j0, long lo, long hi, const float *qi,
                    const float *kt, float *s) {
  ts_attn_dot_block(qi, kt, p->d, s);
  const float *brow = p->bias ? p->bias + b * p->bias_bs + h * p->bias_hs + i * p->nk : NULL;
  for (int j = 0; j < TS_ATT_BC; j++) {
    const long key = j0 + j;
    if (key < lo || key >= hi) {
      s[j] = -INFINITY;
      continue;
    }
    float x = s[j] * p->scale;
    if (p->softcap > 0) x = p->softcap * tanhf(x / p->softcap);
    if (brow) x += brow[key];
    s[j] = x;
  }
}

/* Tiles (row block, key block) the forward has executed since the last read (for the causal-skip check). */
static atomic_long g_tiles;
long ts_attention_tiles_take(void) { return atomic_exchange(&g_tiles, 0); }

typedef struct {
  const float *q, *k, *v;
  float *out, *lse;
  const ts_attn_params *p;
  long row_blocks, units;
  atomic_long next;
} fwd_job;

static void fwd_unit(const fwd_job *J, long u, float *kt, float *vs, float *s, float *acc, float *m, float *l, long *lo,
                     long *hi) {
  const ts_attn_params *p = J->p;
  const long d = p->d, rb = u % J->row_blocks, bh = u / J->row_blocks;
  const long b = bh / p->hq, h = bh % p->hq, hk = h / (p->hq / p->hkv);
  const long i0 = rb * TS_ATT_BR, i1 = i0 + TS_ATT_BR < p->nq ? i0 + TS_ATT_BR : p->nq;
  const float *kh = J->k + (b * p->hkv + hk) * p->nk * d, *vh = J->v + (b * p->hkv + hk) * p->nk * d;
  const float *qh = J->q + (b * p->hq + h) * p->nq * d;
  const uint32_t head = ts_keep_head(p->seed, b, h);
  const float inv = (float)(1.0 / (1.0 - p->dropout));
  long jmin = p->nk, jmax = 0;
  for (long i = i0; i < i1; i++) {
    const long r = i - i0;
    ts_attn_range(p, b, i, &lo[r], &hi[r]);
    m[r] = -INFINITY;
    l[r] = 0.0f;
    for (long c = 0; c < d; c++) acc[r * d + c] = 0.0f;
    if (hi[r] > lo[r]) {
      if (lo[r] < jmin) jmin = lo[r];
      if (hi[r] > jmax) jmax = hi[r];
    }
  }
  for (long j0 = jmin / TS_ATT_BC * TS_ATT_BC; j0 < jmax; j0 += TS_ATT_BC) {
    atomic_fetch_add_explicit(&g_tiles, 1, memory_order_relaxed);
    ts_attn_pack_t(kh, p->nk, j0, d, 1.0f, kt);
    /* With dropout, V is pre-scaled by 1/(1-p) so that O and the backward's dP use the same
     * rounded products (a single visible key then gives dS = 0 exactly, as the naive path does). */
    const long jn = p->nk - j0 < TS_ATT_BC ? p->nk - j0 : TS_ATT_BC;
    const float *vb = vh + j0 * d;
    if (p->dropout > 0) {
      for (long x = 0; x < jn * d; x++) vs[x] = vb[x] * inv;
      vb = vs;
    }
    for (long i = i0; i < i1; i++) {
      const long r = i - i0;
      if (hi[r] <= lo[r] || j0 >= hi[r] || j0 + TS_ATT_BC <= lo[r]) continue;
      ts_attn_scores(p, b, h, i, j0, lo[r], hi[r], qh + i * d, kt, s);
      float bm = -INFINITY;
      for (int j = 0; j < TS_ATT_BC; j++) bm = s[j] > bm ? s[j] : bm;
      const float mn = bm > m[r] ? bm : m[r];
      if (mn == -INFINITY) continue; /* nothing visible yet: the state stays empty */
      const float alpha = m[r] == -INFINITY ? 0.0f : ts_expf(m[r] - mn);
      exp_shift(s, mn);
      l[r] = alpha * l[r] + ts_attn_sum(s, TS_ATT_BC); /* undropped: the full softmax normaliser */
      float *a = acc + r * d;
      scale_row(a, alpha, d);
      const uint32_t row = ts_keep_row(head, i);
      if (p->dropout > 0)
        for (int j = 0; j < TS_ATT_BC; j++)
          if (s[j] != 0.0f && !ts_keeps(row, j0 + j, p->dropout)) s[j] = 0.0f;
      ts_attn_gemv_t(a, s, vb, jn, d); /* s[j] = 0 past jn (masked) */
      m[r] = mn;
    }
  }
  for (long i = i0; i < i1; i++) {
    const long r = i - i0;
    float *o = J->out + ((b * p->hq + h) * p->nq + i) * d;
    const int empty = !(l[r] > 0.0f);
    for (long c = 0; c < d; c++) o[c] = empty ? 0.0f : acc[r * d + c] / l[r];
    J->lse[(b * p->hq + h) * p->nq + i] = empty ? -INFINITY : m[r] + logf(l[r]);
  }
}

static void fwd_task(void *ctx, int tid, int nt) {
  (void)tid;
  (void)nt;
  fwd_job *J = ctx;
  const long d = J->p->d;
  float *buf = malloc(sizeof(float) * (2 * d * TS_ATT_BC + TS_ATT_BC + TS_ATT_BR * d + 2 * TS_ATT_BR));
  long lo[TS_ATT_BR], hi[TS_ATT_BR];
  if (!buf) return;
  float *kt = buf, *vs = kt + d * TS_ATT_BC, *s = vs + d * TS_ATT_BC, *acc = s + TS_ATT_BC, *m = acc + TS_ATT_BR * d, *l = m + TS_ATT_BR;
  for (long u; (u = atomic_fetch_add(&J->next, 1)) < J->units;) fwd_unit(J, u, kt, vs, s, acc, m, l, lo, hi);
  free(buf);
}

void ts_attention_fwd(const float *q, const float *k, const float *v, float *out, float *lse, const ts_attn_params *p) {
  fwd_job J = {q, k, v, out, lse, p, (p->nq + TS_ATT_BR - 1) / TS_ATT_BR, 0, 0};
  J.units = p->batch * p->hq * J.row_blocks;
  atomic_init(&J.next, 0);
  if (J.units == 0) return;
  int nt = ts_pool_threads();
  if (J.units < nt) nt = (int)J.units;
  ts_pool_run(fwd_task, &J, nt);
}

long ts_attention_scratch(const ts_attn_params *p, int backward) {
  const long d = p->d, nt = ts_pool_threads();
  if (!backward) return nt * (long)sizeof(float) * (2 * d * TS_ATT_BC + TS_ATT_BC + TS_ATT_BR * d + 2 * TS_ATT_BR);
  return nt * (long)sizeof(float) * (6 * d * TS_ATT_BC + 2 * TS_ATT_BC + d + (p->hq / p->hkv) * p->nq);
}

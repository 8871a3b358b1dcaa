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

/* Scale, softcap, bias, then the mask (-inf) on raw scores s of query row i against keys [j0, j0 + BC). */
TS_ATT_CLONES void ts_attn_scores_post(const ts_attn_params *p, long b, long h, long i, long j0, long lo, long hi, float *s) {
  if (p->softcap == 0 && !p->bias) { /* the common case, in one vectorisable loop */
    const float scale = p->scale;
    for (int j = 0; j < TS_ATT_BC; j++) {
      const long key = j0 + j;
      const float x = s[j] * scale;
      s[j] = key >= lo && key < hi ? x : -INFINITY;
    }
    return;
  }
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

/* Per-worker scratch of the forward, in floats. */
#define FWD_SCRATCH(d) (2 * (d) * TS_ATT_BC + 6 * TS_ATT_BC + TS_ATT_BR * (d) + 2 * TS_ATT_BR + (d))

typedef struct {
  float *kt, *vs, *s, *sdummy, *zero, *acc, *m, *l, *adummy;
} fwd_scratch;

/* The online-softmax update of row r for one key block; its weights end in st. False when the row
 * has seen nothing yet (all scores -inf): its state stays empty and it takes no weights. */
static int fwd_row(const fwd_job *J, const fwd_scratch *S, long b, long h, uint32_t head, long i, long r, long j0, long lo,
                   long hi, float *st) {
  const ts_attn_params *p = J->p;
  ts_attn_scores_post(p, b, h, i, j0, lo, hi, st);
  const float bm = ts_attn_max(st);
  const float mn = bm > S->m[r] ? bm : S->m[r];
  if (mn == -INFINITY) return 0;
  const float alpha = S->m[r] == -INFINITY ? 0.0f : ts_expf(S->m[r] - mn);
  exp_shift(st, mn);
  S->l[r] = alpha * S->l[r] + ts_attn_sum(st, TS_ATT_BC); /* undropped: the full softmax normaliser */
  scale_row(S->acc + r * p->d, alpha, p->d);
  if (p->dropout > 0) {
    const uint32_t row = ts_keep_row(head, i);
    for (int j = 0; j < TS_ATT_BC; j++)
      if (st[j] != 0.0f && !ts_keeps(row, j0 + j, p->dropout)) st[j] = 0.0f;
  }
  S->m[r] = mn;
  return 1;
}

static void fwd_unit(const fwd_job *J, long u, const fwd_scratch *S, const ts_attn_blocks *B, long *lo, long *hi) {
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
    S->m[r] = -INFINITY;
    S->l[r] = 0.0f;
    for (long c = 0; c < d; c++) S->acc[r * d + c] = 0.0f;
    if (hi[r] > lo[r]) {
      if (lo[r] < jmin) jmin = lo[r];
      if (hi[r] > jmax) jmax = hi[r];
    }
  }
  for (long j0 = jmin / TS_ATT_BC * TS_ATT_BC; j0 < jmax; j0 += TS_ATT_BC) {
    atomic_fetch_add_explicit(&g_tiles, 1, memory_order_relaxed);
    const long jn = p->nk - j0 < TS_ATT_BC ? p->nk - j0 : TS_ATT_BC;
    ts_attn_pack_t(kh, p->nk, j0, d, 1.0f, S->kt, ts_attn_cols(jn));
    /* With dropout, V is pre-scaled by 1/(1-p) so that O and the backward's dP use the same
     * rounded products (a single visible key then gives dS = 0 exactly, as the naive path does). */
    const float *vb = vh + j0 * d;
    if (p->dropout > 0) {
      for (long x = 0; x < jn * d; x++) S->vs[x] = vb[x] * inv;
      vb = S->vs;
    }
    long act[TS_ATT_BR], na = 0; /* rows that see a key of this block, ascending */
    for (long r = 0; r < i1 - i0; r++)
      if (hi[r] > lo[r] && j0 < hi[r] && j0 + TS_ATT_BC > lo[r]) act[na++] = r;
    for (long g = 0; g < na; g += 4) {
      const long gn = na - g < 4 ? na - g : 4;
      const float *qp[4], *wp[4];
      float *sp[4], *ap[4];
      for (int t = 0; t < 4; t++) {
        qp[t] = qh + (i0 + act[g + (t < gn ? t : 0)]) * d;
        sp[t] = t < gn ? S->s + t * TS_ATT_BC : S->sdummy;
        wp[t] = S->zero;
        ap[t] = S->adummy;
      }
      B->dot4(qp, (int)gn, S->kt, d, jn, sp);
      for (int t = 0; t < gn; t++) {
        const long r = act[g + t];
        if (fwd_row(J, S, b, h, head, i0 + r, r, j0, lo[r], hi[r], sp[t])) wp[t] = sp[t], ap[t] = S->acc + r * d;
      }
      B->gemv4(ap, wp, vb, jn, d); /* weights past jn are 0 (masked) and not read */
    }
  }
  for (long i = i0; i < i1; i++) {
    const long r = i - i0;
    float *o = J->out + ((b * p->hq + h) * p->nq + i) * d;
    const int empty = !(S->l[r] > 0.0f);
    for (long c = 0; c < d; c++) o[c] = empty ? 0.0f : S->acc[r * d + c] / S->l[r];
    J->lse[(b * p->hq + h) * p->nq + i] = empty ? -INFINITY : S->m[r] + logf(S->l[r]);
  }
}

static void fwd_task(void *ctx, int tid, int nt) {
  (void)tid;
  (void)nt;
  fwd_job *J = ctx;
  const long d = J->p->d;
  float *buf = malloc(sizeof(float) * FWD_SCRATCH(d));
  long lo[TS_ATT_BR], hi[TS_ATT_BR];
  if (!buf) return;
  fwd_scratch S;
  S.kt = buf, S.vs = S.kt + d * TS_ATT_BC, S.s = S.vs + d * TS_ATT_BC, S.sdummy = S.s + 4 * TS_ATT_BC;
  S.zero = S.sdummy + TS_ATT_BC, S.acc = S.zero + TS_ATT_BC, S.m = S.acc + TS_ATT_BR * d, S.l = S.m + TS_ATT_BR;
  S.adummy = S.l + TS_ATT_BR;
  for (long x = 0; x < TS_ATT_BC; x++) S.zero[x] = 0.0f;
  const ts_attn_blocks *B = ts_attn_blocks_get();
  for (long u; (u = atomic_fetch_add(&J->next, 1)) < J->units;) fwd_unit(J, u, &S, B, lo, hi);
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
  if (!backward) return nt * (long)sizeof(float) * FWD_SCRATCH(d);
  return nt * (long)sizeof(float) * (6 * d * TS_ATT_BC + 11 * TS_ATT_BC + 5 * d + (p->hq / p->hkv) * p->nq);
}

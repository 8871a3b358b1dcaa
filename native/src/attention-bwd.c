/* Fused attention backward with recomputation (spec §2.4): work units are (batch, KV head); a unit
 * owns dK and dV of its KV head and dQ of the query heads that share it, so no two threads write
 * the same element and every sum runs in one fixed order (key blocks ascending, then query heads
 * and rows ascending): gradients are deterministic and independent of the thread count. P is
 * recomputed from the saved log-sum-exp; D = rowsum(dO ∘ O) replaces the length-N_k reduction. */
#include <stdatomic.h>
#include <stdlib.h>
#include "attention.h"

typedef struct {
  const float *q, *k, *v, *out, *lse, *gout;
  float *gq, *gk, *gv, *gbias;
  const ts_attn_params *p;
  long units;
  atomic_long next;
} bwd_job;

TS_ATT_CLONES static void exp_lse(float *s, float lse) {
  for (int j = 0; j < TS_ATT_BC; j++) s[j] = ts_expf(s[j] - lse);
}

/* acc[0..n) += x[0..n), x = 0 after: flushes a partial sum into its total. */
TS_ATT_CLONES static void flush(float *restrict acc, float *restrict x, long n) {
  for (long i = 0; i < n; i++) {
    acc[i] += x[i];
    x[i] = 0.0f;
  }
}

/* Per-worker scratch of the backward, in floats. */
#define BWD_SCRATCH(d, g, nq) (6 * (d) * TS_ATT_BC + 11 * TS_ATT_BC + 5 * (d) + (g) * (nq))

typedef struct {
  float *kt, *vt, *dk, *dv, *pk, *pv, *s, *dp, *dummy, *zero, *dqt, *D;
} bwd_scratch;

/* A visible query row of the current key block. */
typedef struct {
  long i, hh, h, row0, lo, hi; /* row, query head (within the group and absolute), visible keys [lo, hi) */
  float L;
} bwd_row;

/* P -> the dV weights (s) and dS·τ (dp) of one row, from its scores s and dP = dO·Vᵀ in dp. */
static void bwd_weights(const bwd_job *J, long b, long j0, long jn, const bwd_row *R, float Di, float *s, float *dp) {
  const ts_attn_params *p = J->p;
  const long d = p->d, h = R->h, i = R->i;
  const float inv = (float)(1.0 / (1.0 - p->dropout));
  const float *qi = J->q + (R->row0 + i) * d, *kh = J->k + (b * p->hkv + h / (p->hq / p->hkv)) * p->nk * d;
  const uint32_t row = p->dropout > 0 ? ts_keep_row(ts_keep_head(p->seed, b, h), i) : 0;
  float *gb = J->gbias ? J->gbias + (R->row0 + i) * p->nk : NULL;
  for (long j = 0; j < jn; j++) {
    const float P = s[j];
    if (P == 0.0f) {
      dp[j] = 0.0f; /* no weight for dV, dQ, dK */
      continue;
    }
    const int kept = p->dropout > 0 ? ts_keeps(row, j0 + j, p->dropout) : 1;
    float ds = P * ((kept ? dp[j] : 0.0f) - Di);
    if (gb) gb[j0 + j] = ds;
    if (p->softcap > 0) {
      const float *kr = kh + (j0 + j) * d;
      float raw = 0.0f; /* recompute the uncapped scaled score for tanh' */
      for (long c = 0; c < d; c++) raw = fmaf(qi[c], kr[c], raw);
      const float t = tanhf(raw * p->scale / p->softcap);
      ds *= 1.0f - t * t;
    }
    s[j] = kept ? P * inv : 0.0f; /* dV weight: the dropped probability */
    dp[j] = ds * p->scale;        /* dS·τ, the weight for dQ and dK */
  }
  for (long j = jn; j < TS_ATT_BC; j++) s[j] = dp[j] = 0.0f;
}

/* Up to four visible rows of one key block: their P and dS, then the dV, dQ and dK updates. */
static void bwd_group(const bwd_job *J, const bwd_scratch *S, const ts_attn_blocks *B, long b, long j0, long jn,
                      const bwd_row *R, int gn, const float *kblk) {
  const ts_attn_params *p = J->p;
  const long d = p->d;
  const float *qp[4], *gop[4], *ws[4], *wd[4];
  float *sp[4], *dpp[4], *dq[4];
  for (int t = 0; t < 4; t++) {
    const bwd_row *r = &R[t < gn ? t : 0];
    qp[t] = J->q + (r->row0 + r->i) * d;
    gop[t] = J->gout + (r->row0 + r->i) * d;
    sp[t] = t < gn ? S->s + t * TS_ATT_BC : S->dummy;
    dpp[t] = t < gn ? S->dp + t * TS_ATT_BC : S->dummy;
    dq[t] = t < gn ? S->dqt + t * d : S->dqt + 4 * d;
    ws[t] = wd[t] = S->zero;
  }
  B->dot4(qp, gn, S->kt, d, jn, sp);
  B->dot4(gop, gn, S->vt, d, jn, dpp);
  for (int t = 0; t < gn; t++) {
    ts_attn_scores_post(p, b, R[t].h, R[t].i, j0, R[t].lo, R[t].hi, sp[t]);
    exp_lse(sp[t], R[t].L); /* P, exact zeros where masked */
    bwd_weights(J, b, j0, jn, &R[t], S->D[R[t].hh * p->nq + R[t].i], sp[t], dpp[t]);
    ws[t] = sp[t];
    wd[t] = dpp[t];
  }
  B->ger4(S->pv, ws, gop, jn, d);
  B->gemv4(dq, wd, kblk, jn, d);
  B->ger4(S->pk, wd, qp, jn, d);
  for (int t = 0; t < gn; t++) flush(J->gq + (R[t].row0 + R[t].i) * d, dq[t], d);
}

/* dK_j and dV_j sum over up to g·N_q rows; partial sums over groups of TS_ATT_BR rows, flushed into
 * the totals, keep the rounding error near that of a blocked GEMM instead of growing with g·N_q.
 * dQ_i likewise gets each key block's contribution as one partial sum. Rows go four at a time
 * (bwd_group); every sum keeps its order, so the bits are those of one row at a time. */
static void bwd_unit(const bwd_job *J, long u, const bwd_scratch *S, const ts_attn_blocks *B) {
  const ts_attn_params *p = J->p;
  const long d = p->d, b = u / p->hkv, hk = u % p->hkv, g = p->hq / p->hkv;
  const long kvo = (b * p->hkv + hk) * p->nk * d;
  const float *kh = J->k + kvo, *vh = J->v + kvo;
  const float inv = (float)(1.0 / (1.0 - p->dropout));
  for (long hh = 0; hh < g; hh++) {
    const long row0 = (b * p->hq + hk * g + hh) * p->nq;
    for (long i = 0; i < p->nq; i++) {
      S->D[hh * p->nq + i] = ts_attn_dot(J->gout + (row0 + i) * d, J->out + (row0 + i) * d, d);
      for (long c = 0; c < d; c++) J->gq[(row0 + i) * d + c] = 0.0f;
    }
  }
  for (long j0 = 0; j0 < p->nk; j0 += TS_ATT_BC) {
    const long jn = p->nk - j0 < TS_ATT_BC ? p->nk - j0 : TS_ATT_BC;
    ts_attn_pack_t(kh, p->nk, j0, d, 1.0f, S->kt, ts_attn_cols(jn));
    ts_attn_pack_t(vh, p->nk, j0, d, inv, S->vt, ts_attn_cols(jn)); /* dP = dO·(V/(1-p))ᵀ, as in the forward */
    for (long x = 0; x < jn * d; x++) S->dk[x] = S->dv[x] = S->pk[x] = S->pv[x] = 0.0f;
    long pending = 0;
    bwd_row grp[4];
    int gn = 0;
    for (long hh = 0; hh < g; hh++) {
      const long row0 = (b * p->hq + hk * g + hh) * p->nq;
      for (long i = 0; i < p->nq; i++) {
        long lo, hi;
        ts_attn_range(p, b, i, &lo, &hi);
        const float L = J->lse[row0 + i];
        if (hi <= lo || j0 >= hi || j0 + TS_ATT_BC <= lo || L == -INFINITY) continue;
        grp[gn++] = (bwd_row){i, hh, hk * g + hh, row0, lo, hi, L};
        if (gn < 4) continue;
        if (pending == TS_ATT_BR) { /* groups of four never straddle a flush (TS_ATT_BR % 4 == 0) */
          flush(S->dk, S->pk, jn * d);
          flush(S->dv, S->pv, jn * d);
          pending = 0;
        }
        pending += gn;
        bwd_group(J, S, B, b, j0, jn, grp, gn, kh + j0 * d);
        gn = 0;
      }
    }
    if (gn) {
      if (pending == TS_ATT_BR) {
        flush(S->dk, S->pk, jn * d);
        flush(S->dv, S->pv, jn * d);
      }
      bwd_group(J, S, B, b, j0, jn, grp, gn, kh + j0 * d);
    }
    flush(S->dk, S->pk, jn * d);
    flush(S->dv, S->pv, jn * d);
    for (long x = 0; x < jn * d; x++) {
      J->gk[kvo + j0 * d + x] = S->dk[x];
      J->gv[kvo + j0 * d + x] = S->dv[x];
    }
  }
}

static void bwd_task(void *ctx, int tid, int nt) {
  (void)tid;
  (void)nt;
  bwd_job *J = ctx;
  const long d = J->p->d, g = J->p->hq / J->p->hkv;
  float *buf = malloc(sizeof(float) * BWD_SCRATCH(d, g, J->p->nq));
  if (!buf) return;
  bwd_scratch S;
  S.kt = buf, S.vt = S.kt + d * TS_ATT_BC, S.dk = S.vt + d * TS_ATT_BC, S.dv = S.dk + d * TS_ATT_BC;
  S.pk = S.dv + d * TS_ATT_BC, S.pv = S.pk + d * TS_ATT_BC, S.s = S.pv + d * TS_ATT_BC, S.dp = S.s + 4 * TS_ATT_BC;
  S.dummy = S.dp + 4 * TS_ATT_BC, S.zero = S.dummy + 2 * TS_ATT_BC, S.dqt = S.zero + TS_ATT_BC, S.D = S.dqt + 5 * d;
  for (long x = 0; x < TS_ATT_BC; x++) S.zero[x] = 0.0f;
  for (long x = 0; x < 5 * d; x++) S.dqt[x] = 0.0f;
  const ts_attn_blocks *B = ts_attn_blocks_get();
  for (long u; (u = atomic_fetch_add(&J->next, 1)) < J->units;) bwd_unit(J, u, &S, B);
  free(buf);
}

void ts_attention_bwd(const float *q, const float *k, const float *v, const float *out, const float *lse,
                      const float *gout, float *gq, float *gk, float *gv, float *gbias, const ts_attn_params *p) {
  bwd_job J = {q, k, v, out, lse, gout, gq, gk, gv, gbias, p, p->batch * p->hkv, 0};
  atomic_init(&J.next, 0);
  if (J.units == 0) return;
  int nt = ts_pool_threads();
  if (J.units < nt) nt = (int)J.units;
  ts_pool_run(bwd_task, &J, nt);
}

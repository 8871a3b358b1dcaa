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

/* dK_j and dV_j sum over up to g·N_q rows; partial sums over groups of TS_ATT_BR rows, flushed into
 * the totals, keep the rounding error near that of a blocked GEMM instead of growing with g·N_q.
 * dQ_i likewise gets each key block's contribution as one partial sum. */
static void bwd_unit(const bwd_job *J, long u, float *kt, float *vt, float *dk, float *dv, float *s, float *dp,
                     float *D, float *pk, float *pv, float *dqt) {
  const ts_attn_params *p = J->p;
  const long d = p->d, b = u / p->hkv, hk = u % p->hkv, g = p->hq / p->hkv;
  const long kvo = (b * p->hkv + hk) * p->nk * d;
  const float *kh = J->k + kvo, *vh = J->v + kvo;
  const float inv = (float)(1.0 / (1.0 - p->dropout));
  for (long hh = 0; hh < g; hh++) {
    const long row0 = (b * p->hq + hk * g + hh) * p->nq;
    for (long i = 0; i < p->nq; i++) {
      D[hh * p->nq + i] = ts_attn_dot(J->gout + (row0 + i) * d, J->out + (row0 + i) * d, d);
      for (long c = 0; c < d; c++) J->gq[(row0 + i) * d + c] = 0.0f;
    }
  }
  for (long j0 = 0; j0 < p->nk; j0 += TS_ATT_BC) {
    const long jn = p->nk - j0 < TS_ATT_BC ? p->nk - j0 : TS_ATT_BC;
    ts_attn_pack_t(kh, p->nk, j0, d, 1.0f, kt);
    ts_attn_pack_t(vh, p->nk, j0, d, inv, vt); /* dP = dO·(V/(1-p))ᵀ, as in the forward */
    for (long x = 0; x < jn * d; x++) dk[x] = dv[x] = pk[x] = pv[x] = 0.0f;
    long pending = 0;
    for (long hh = 0; hh < g; hh++) {
      const long h = hk * g + hh, row0 = (b * p->hq + h) * p->nq;
      const uint32_t head = ts_keep_head(p->seed, b, h);
      for (long i = 0; i < p->nq; i++) {
        long lo, hi;
        ts_attn_range(p, b, i, &lo, &hi);
        const float L = J->lse[row0 + i];
        if (hi <= lo || j0 >= hi || j0 + TS_ATT_BC <= lo || L == -INFINITY) continue;
        const float *qi = J->q + (row0 + i) * d, *goi = J->gout + (row0 + i) * d;
        float *gqi = J->gq + (row0 + i) * d;
        if (pending == TS_ATT_BR) {
          flush(dk, pk, jn * d);
          flush(dv, pv, jn * d);
          pending = 0;
        }
        pending++;
        ts_attn_scores(p, b, h, i, j0, lo, hi, qi, kt, s);
        exp_lse(s, L); /* P, exact zeros where masked */
        ts_attn_dot_block(goi, vt, d, dp);
        const uint32_t row = ts_keep_row(head, i);
        float *gb = J->gbias ? J->gbias + (row0 + i) * p->nk : NULL;
        const float Di = D[hh * p->nq + i];
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
        ts_attn_ger(pv, s, goi, jn, d);
        ts_attn_gemv_t(dqt, dp, kh + j0 * d, jn, d);
        ts_attn_ger(pk, dp, qi, jn, d);
        flush(gqi, dqt, d);
      }
    }
    flush(dk, pk, jn * d);
    flush(dv, pv, jn * d);
    for (long x = 0; x < jn * d; x++) {
      J->gk[kvo + j0 * d + x] = dk[x];
      J->gv[kvo + j0 * d + x] = dv[x];
    }
  }
}

static void bwd_task(void *ctx, int tid, int nt) {
  (void)tid;
  (void)nt;
  bwd_job *J = ctx;
  const long d = J->p->d, g = J->p->hq / J->p->hkv;
  float *buf = malloc(sizeof(float) * (6 * d * TS_ATT_BC + 2 * TS_ATT_BC + d + g * J->p->nq));
  if (!buf) return;
  float *kt = buf, *vt = kt + d * TS_ATT_BC, *dk = vt + d * TS_ATT_BC, *dv = dk + d * TS_ATT_BC;
  float *pk = dv + d * TS_ATT_BC, *pv = pk + d * TS_ATT_BC, *s = pv + d * TS_ATT_BC, *dp = s + TS_ATT_BC;
  float *dqt = dp + TS_ATT_BC, *D = dqt + d;
  for (long i = 0; i < d; i++) dqt[i] = 0.0f;
  for (long u; (u = atomic_fetch_add(&J->next, 1)) < J->units;) bwd_unit(J, u, kt, vt, dk, dv, s, dp, D, pk, pv, dqt);
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

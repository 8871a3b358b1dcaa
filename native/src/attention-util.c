/* Block helpers shared by the fused attention forward and backward (see attention.h). */
#include "attention.h"



TS_ATT_CLONES float ts_attn_sum(const float *x, long n) {
  float acc[16] = {0};
  for (long i = 0; i < n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] += x[i + l];
  for (int w = 8; w > 0; w /= 2)
    for (int l = 0; l < w; l++) acc[l] += acc[l + w];
  return acc[0];
}

void ts_attn_pack_t(const float *x, long rows, long j0, long d, float a, float *xt, long cols) {
  for (long j = 0; j < cols; j++) {
    const long r = j0 + j;
    if (r < rows) {
      const float *src = x + r * d;
      for (long c = 0; c < d; c++) xt[c * TS_ATT_BC + j] = src[c] * a;
    } else {
      for (long c = 0; c < d; c++) xt[c * TS_ATT_BC + j] = 0.0f;
    }
  }
}

/* Sequential fmaf over c, the order the score dots use per element: D = dO·O then equals dP
 * = dO·V_j bit for bit whenever O is one row of V (a single visible key), so dS is exactly 0 there. */
TS_ATT_CLONES float ts_attn_dot(const float *a, const float *b, long n) {
  float acc = 0.0f;
  for (long i = 0; i < n; i++) acc = fmaf(a[i], b[i], acc);
  return acc;
}



TS_ATT_CLONES float ts_attn_max(const float *s) {
  float m[16];
  for (int l = 0; l < 16; l++) m[l] = -INFINITY;
  for (int j = 0; j < TS_ATT_BC; j += 16)
    for (int l = 0; l < 16; l++) m[l] = s[j + l] > m[l] ? s[j + l] : m[l];
  float r = -INFINITY;
  for (int l = 0; l < 16; l++) r = m[l] > r ? m[l] : r;
  return r;
}

/* One fused AdamW step (decoupled weight decay), in place, one pass over p, g, m, v. */
#include <math.h>
#include "tessera.h"

typedef struct { float *p, *m, *v; const float *g; long n; float lr, b1, b2, eps, wd, bc1, bc2s; } adam_job;

TS_CLONES static void adam_task(void *ctx, int tid, int nt) {
  const adam_job *j = ctx;
  long lo, hi;
  ts_split(j->n, 1024, tid, nt, &lo, &hi);
  float *restrict p = j->p, *restrict m = j->m, *restrict v = j->v;
  const float *restrict g = j->g;
  const float decay = 1.0f - j->lr * j->wd, step = j->lr / j->bc1;
  for (long i = lo; i < hi; i++) {
    const float gi = g[i];
    const float mi = j->b1 * m[i] + (1.0f - j->b1) * gi;
    const float vi = j->b2 * v[i] + (1.0f - j->b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - step * mi / (sqrtf(vi) / j->bc2s + j->eps);
  }
}

void ts_adamw(float *p, const float *g, float *m, float *v, long n, float lr, float b1, float b2, float eps, float wd,
              double step) {
  adam_job j = {p, m, v, g, n, lr, b1, b2, eps, wd, (float)(1.0 - pow(b1, step)), (float)sqrt(1.0 - pow(b2, step))};
  ts_pool_run(adam_task, &j, n >= 65536 ? ts_pool_threads() : 1);
}

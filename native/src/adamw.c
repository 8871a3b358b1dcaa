/* One fused AdamW step (decoupled weight decay), in place, one pass over p, g, m, v. */
#include <math.h>
#include "tessera.h"

typedef struct { float *p, *m, *v; const float *g; long n; float b1, b2, c1, c2, eps, decay, step, bc2s; } adam_job;

TS_CLONES static void adam_task(void *ctx, int tid, int nt) {
  const adam_job *j = ctx;
  long lo, hi;
  ts_split(j->n, 1024, tid, nt, &lo, &hi);
  float *restrict p = j->p, *restrict m = j->m, *restrict v = j->v;
  const float *restrict g = j->g;
  const float decay = j->decay, step = j->step;
  for (long i = lo; i < hi; i++) {
    const float gi = g[i];
    const float mi = j->b1 * m[i] + j->c1 * gi;
    const float vi = j->b2 * v[i] + j->c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - step * mi / (sqrtf(vi) / j->bc2s + j->eps);
  }
}

/* Constants are formed in double: 1 - beta2 in float would lose five digits. */
void ts_adamw(float *p, const float *g, float *m, float *v, long n, double lr, double b1, double b2, double eps,
              double wd, double step) {
  adam_job j = {p, m, v, g, n, (float)b1, (float)b2, (float)(1.0 - b1), (float)(1.0 - b2), (float)eps,
                (float)(1.0 - lr * wd), (float)(lr / (1.0 - pow(b1, step))), (float)sqrt(1.0 - pow(b2, step))};
  ts_pool_run(adam_task, &j, n >= 65536 ? ts_pool_threads() : 1);
}

/* One fused AdamW step (decoupled weight decay), in place, one pass over p, g, m, v. */
#include <math.h>
#include "tessera.h"

typedef struct { float *p, *m, *v; const float *g; long n; float b1, b2, c1, c2, eps, decay, step, bc2s; ts_range range; } adam_job;

static void adam_range(const adam_job *j, long lo, long hi);

static void adam_task(void *ctx, int tid, int nt) {
  adam_job *j = ctx;
  (void)tid;
  (void)nt;
  long lo, hi;
  while (ts_range_next(&j->range, &lo, &hi)) adam_range(j, lo, hi);
}

TS_CLONES static void adam_range(const adam_job *j, long lo, long hi) {
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
  adam_job j = {.p = p, .m = m, .v = v, .g = g, .n = n, .b1 = (float)b1, .b2 = (float)b2, .c1 = (float)(1.0 - b1),
                .c2 = (float)(1.0 - b2), .eps = (float)eps, .decay = (float)(1.0 - lr * wd),
                .step = (float)(lr / (1.0 - pow(b1, step))), .bc2s = (float)sqrt(1.0 - pow(b2, step))};
  const int nt = n >= 65536 ? ts_pool_threads() : 1;
  ts_range_init(&j.range, n, 1024, nt);
  ts_pool_run(adam_task, &j, nt);
}

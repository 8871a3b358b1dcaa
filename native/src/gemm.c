/* Packed, register-blocked GEMM (BLIS style): C (m x n) = A (m x k) . B (k x n), row-major,
 * any transposition, batched. Loops: K blocks of the fixed TS_KC (outermost, so every element's
 * sum over k runs in the same order whatever the shape or thread count) -> pack A -> N blocks
 * sized for L2 -> pack B -> MR-row micro-panels (in L1) -> NR-column panels -> micro-kernel.
 * Threads split the output by rows or columns, never K. Skinny calls (m <= 16, B not
 * transposed) read B in place instead of packing it: it is used once anyway. */
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <pthread.h>
#include "gemm.h"

#define NC_TARGET 320
#define MAX_THREADS 256

typedef struct { float *pa, *pb; size_t pa_cap, pb_cap; } ws_t;
static ws_t g_ws[MAX_THREADS];
/* The packing buffers are shared: one GEMM at a time when JS threads call in concurrently. */
static pthread_mutex_t g_gemm_mu = PTHREAD_MUTEX_INITIALIZER;

static float *grow(float **buf, size_t *cap, size_t need) {
  if (need > *cap) {
    free(*buf);
    size_t bytes = (need * sizeof(float) + 63) & ~(size_t)63;
    *buf = aligned_alloc(64, bytes);
    *cap = need;
  }
  return *buf;
}

const ts_gemm_isa *ts_gemm_isa_active(void) {
  switch (ts_isa_active()) {
#if defined(__x86_64__)
    case ISA_AVX512: return &ts_gemm_avx512;
    case ISA_AVX2: return &ts_gemm_avx2;
#endif
#if defined(__aarch64__)
    case ISA_NEON: return &ts_gemm_neon;
#endif
    default: return &ts_gemm_scalar;
  }
}

/* pa[t][k][r] = A(m0 + t*MR + r, pc + k), zero past m1. */
TS_CLONES static void pack_a(const float *a, long a_is, long a_ks, long m0, long m1, long pc, long kc, int MR,
                             float *pa) {
  for (long i0 = m0; i0 < m1; i0 += MR, pa += (long)MR * kc) {
    long mr = m1 - i0 < MR ? m1 - i0 : MR;
    for (long r = 0; r < MR; r++) {
      if (r < mr) {
        const float *src = a + (i0 + r) * a_is + pc * a_ks;
        for (long k = 0; k < kc; k++) pa[k * MR + r] = src[k * a_ks];
      } else {
        for (long k = 0; k < kc; k++) pa[k * MR + r] = 0.0f;
      }
    }
  }
}

/* pb[p][k][j] = B(pc + k, jc + p*NR + j), zero past nc. Row-major B is read row by row (long
 * contiguous runs for the prefetcher); transposed B panel by panel (contiguous along k). */
TS_CLONES static void pack_b(const float *b, long b_ks, long b_js, long pc, long kc, long jc, long nc, int NR,
                             float *pb) {
  const long panels = (nc + NR - 1) / NR;
  if (b_js == 1) {
    for (long k = 0; k < kc; k++) {
      const float *src = b + (pc + k) * b_ks + jc;
      for (long p = 0; p < panels; p++) {
        const long j0 = p * NR, nr = nc - j0 < NR ? nc - j0 : NR;
        float *dst = pb + p * NR * kc + k * NR;
        for (long j = 0; j < nr; j++) dst[j] = src[j0 + j];
        for (long j = nr; j < NR; j++) dst[j] = 0.0f;
      }
    }
    return;
  }
  for (long p = 0; p < panels; p++, pb += (long)NR * kc) {
    const long j0 = p * NR, nr = nc - j0 < NR ? nc - j0 : NR;
    for (long j = 0; j < NR; j++) {
      if (j < nr) {
        const float *src = b + (jc + j0 + j) * b_js + pc * b_ks;
        for (long k = 0; k < kc; k++) pb[k * NR + j] = src[k * b_ks];
      } else {
        for (long k = 0; k < kc; k++) pb[k * NR + j] = 0.0f;
      }
    }
  }
}

/* Columns of B per prefetched block of the skinny path: kc x 256 floats = 384 KiB, within L2. */
#define SK_COLS 256

/* Requests rows x cols floats (row stride ld) into L2, one request per 64-byte line. */
static void prefetch_block_l2(const float *p, long ld, long rows, long cols) {
  for (long r = 0; r < rows; r++)
    for (long c = 0; c < cols; c += 16) ts_prefetch(p + r * ld + c, 2);
}

/* C rows [m0, m1) x columns [n0, n1) of one matrix product. */
static void gemm_block(const ts_gemm_isa *isa, const float *a, const float *b, float *c, long M, long N, long K,
                       int ta, int tb, int accumulate, long m0, long m1, long n0, long n1, int tid) {
  if (m0 >= m1 || n0 >= n1) return;
  if (K == 0) {
    if (!accumulate)
      for (long i = m0; i < m1; i++) memset(c + i * N + n0, 0, (size_t)(n1 - n0) * sizeof(float));
    return;
  }
  const int MR = isa->mr, NR = isa->nr;
  const long a_is = ta ? 1 : K, a_ks = ta ? M : 1;
  const long b_ks = tb ? 1 : N, b_js = tb ? K : 1;
  const long mm = m1 - m0, mtiles = (mm + MR - 1) / MR;
  if (!tb && mm <= TS_SKINNY_M) {
    /* B is read in place (decoding's weights, usually not in cache). Its rows are N apart, so the
     * hardware prefetchers see one short run per row and the kernel stalls on misses: each block of
     * kc rows x SK_COLS columns is requested into L2 first, with many misses in flight. Splitting
     * the columns changes no element's sum. */
    for (long pc = 0; pc < K; pc += TS_KC) {
      const long kc = K - pc < TS_KC ? K - pc : TS_KC;
      const long step = mm >= 4 ? SK_COLS : n1 - n0; /* one to three rows stream B at full speed as it is */
      for (long j0 = n0; j0 < n1; j0 += step) {
        const long nc = n1 - j0 < step ? n1 - j0 : step;
        if (mm >= 4) prefetch_block_l2(b + pc * N + j0, N, kc, nc);
        isa->skinny(mm, kc, a + m0 * a_is + pc * a_ks, a_is, a_ks, b + pc * N + j0, N, c + m0 * N + j0, N, nc,
                    accumulate || pc > 0);
      }
    }
    return;
  }
  const long nc_max = (long)NR * (NC_TARGET / NR > 0 ? NC_TARGET / NR : 1);
  ws_t *ws = &g_ws[tid];
  float *pa = grow(&ws->pa, &ws->pa_cap, (size_t)mtiles * MR * TS_KC);
  float *pb = grow(&ws->pb, &ws->pb_cap, (size_t)((nc_max + NR - 1) / NR * NR) * TS_KC);
  float tile[TS_MR_MAX * 64];
  for (long pc = 0; pc < K; pc += TS_KC) {
    const long kc = K - pc < TS_KC ? K - pc : TS_KC;
    const int into = accumulate || pc > 0;
    pack_a(a, a_is, a_ks, m0, m1, pc, kc, MR, pa);
    for (long jc = n0; jc < n1; jc += nc_max) {
      const long nc = n1 - jc < nc_max ? n1 - jc : nc_max;
      pack_b(b, b_ks, b_js, pc, kc, jc, nc, NR, pb);
      for (long t = 0; t < mtiles; t++) {
        const long i = m0 + t * MR;
        const int mr = (int)(m1 - i < MR ? m1 - i : MR);
        const float *pat = pa + t * MR * kc;
        for (long jr = 0; jr < nc; jr += NR) {
          const long nr = nc - jr < NR ? nc - jr : NR;
          const float *bp = pb + (jr / NR) * kc * NR;
          float *cp = c + i * N + jc + jr;
          if (nr == NR) {
            isa->kern[mr](kc, pat, bp, NR, cp, N, into);
          } else {
            isa->kern[mr](kc, pat, bp, NR, tile, NR, 0);
            for (int r = 0; r < mr; r++)
              for (long j = 0; j < nr; j++)
                cp[r * N + j] = into ? cp[r * N + j] + tile[r * NR + j] : tile[r * NR + j];
          }
        }
      }
    }
  }
}

typedef struct {
  const float *a, *b;
  float *c;
  const ts_gemm_params *p;
  const ts_gemm_isa *isa;
  int by_rows;     /* chunks are row blocks (else column blocks) of each matrix */
  long chunk;      /* rows or columns per chunk */
  long per_item;   /* chunks per batch item */
  long total;      /* chunks in all */
  atomic_long next;
} job_t;

/* Threads take output chunks from a shared counter, so a thread the OS delays (the machine is
 * shared) only delays its current chunk; K is never split, so the sums do not change. */
static void gemm_task(void *ctx, int tid, int nt) {
  job_t *j = ctx;
  const ts_gemm_params *p = j->p;
  (void)nt;
  for (;;) {
    const long t = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
    if (t >= j->total) return;
    const long bi = t / j->per_item, lo = (t % j->per_item) * j->chunk;
    const float *a = j->a + bi * p->stride_a, *b = j->b + bi * p->stride_b;
    float *c = j->c + bi * p->m * p->n;
    if (j->by_rows) {
      const long hi = lo + j->chunk < p->m ? lo + j->chunk : p->m;
      gemm_block(j->isa, a, b, c, p->m, p->n, p->k, p->trans_a, p->trans_b, p->accumulate, lo, hi, 0, p->n, tid);
    } else {
      const long hi = lo + j->chunk < p->n ? lo + j->chunk : p->n;
      gemm_block(j->isa, a, b, c, p->m, p->n, p->k, p->trans_a, p->trans_b, p->accumulate, 0, p->m, lo, hi, tid);
    }
  }
}

static long round_up(long x, long u) { return (x + u - 1) / u * u; }

void ts_gemm(const float *a, const float *b, float *c, const ts_gemm_params *p) {
  if (p->batch <= 0 || p->m <= 0 || p->n <= 0) return;
  const ts_gemm_isa *isa = ts_gemm_isa_active();
  const double work = (double)p->batch * p->m * p->n * (p->k > 0 ? p->k : 1);
  int nt = ts_pool_threads();
  if (work < 32.0 * 32 * 64) nt = 1;
  job_t j = {.a = a, .b = b, .c = c, .p = p, .isa = isa};
  atomic_init(&j.next, 0);
  if (nt == 1 || p->batch >= 2L * nt) {
    /* Whole matrices per chunk. */
    j.by_rows = 1;
    j.chunk = p->m;
  } else {
    /* Split the dimension whose operand is cheaper to pack again per chunk. Up to 4 chunks per
     * thread, fewer when chunks would get small (each packs its other operand again); column
     * chunks stay multiples of the panel width, row chunks of the tile height. */
    j.by_rows = p->m > p->n && p->m >= 2L * nt * isa->mr;
    const int skinny = !j.by_rows && !p->trans_b && p->m <= TS_SKINNY_M;
    const long dim = j.by_rows ? p->m : p->n;
    const long unit = skinny ? 256 : j.by_rows ? isa->mr : isa->nr;
    const long target = skinny ? 2048 : j.by_rows ? 128 : NC_TARGET;
    long per_thread = dim / (nt * target);
    per_thread = per_thread < 1 ? 1 : per_thread > 4 ? 4 : per_thread;
    j.chunk = round_up((dim + per_thread * nt - 1) / (per_thread * nt), unit);
  }
  j.per_item = ((j.by_rows ? p->m : p->n) + j.chunk - 1) / j.chunk;
  j.total = j.per_item * p->batch;
  pthread_mutex_lock(&g_gemm_mu);
  ts_pool_run(gemm_task, &j, nt);
  pthread_mutex_unlock(&g_gemm_mu);
}

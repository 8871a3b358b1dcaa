/* Tessera native kernels: shared declarations. C11, no system library beyond libc/libm/pthreads. */
#ifndef TESSERA_H
#define TESSERA_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
/* ifunc-based runtime dispatch for auto-vectorized loops: one build runs on any x86-64. */
#define TS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TS_CLONES
#endif

/* ---- cpu ---- */
typedef enum { ISA_SCALAR = 0, ISA_AVX2 = 1, ISA_AVX512 = 2, ISA_NEON = 3 } ts_isa;
ts_isa ts_detect_isa(void);
const char *ts_isa_name(ts_isa isa);
/* The ISA in use (the detected one unless TESSERA_ISA names a lower one). */
ts_isa ts_isa_active(void);
void ts_set_isa(ts_isa isa);

/* ---- memory: keeps large freed blocks in the heap for reuse (heap.c); 1 when applied ---- */
int ts_heap_tune(void);

/* ---- thread pool ---- */
typedef void (*ts_task)(void *ctx, int tid, int nt);
int ts_pool_threads(void);
/* Sets the pool size (>= 1); parks and joins old workers. */
void ts_pool_set_threads(int n);
/* Runs fn(ctx, tid, nt) for tid in [0, nt) and waits; nt is clamped to the pool size. */
void ts_pool_run(ts_task fn, void *ctx, int nt);
/* The half-open share [lo, hi) of n items for thread tid of nt, in units of `unit`. */
void ts_split(long n, long unit, int tid, int nt, long *lo, long *hi);
/* Dynamic split: threads claim pieces of [0, n) (multiples of `unit`, about 8 per thread) from a
 * shared counter, so a thread the OS delays on a shared machine holds up only its piece. */
typedef struct { _Atomic long next; long n, piece; } ts_range;
void ts_range_init(ts_range *r, long n, long unit, int nt);
int ts_range_next(ts_range *r, long *lo, long *hi);

/* ---- gemm ---- */
typedef struct {
  long batch, m, n, k;
  int trans_a, trans_b, accumulate;
  long stride_a, stride_b;
} ts_gemm_params;
void ts_gemm(const float *a, const float *b, float *c, const ts_gemm_params *p);
/* Bench ladder: 1 = plain C loops, 2 = SIMD without tiling, 3 = the shipped packed GEMM. */
int ts_gemm_ladder(int version, const float *a, const float *b, float *c, long m, long n, long k);

/* ---- elementwise ---- */
int ts_unary(int op, const float *x, float *y, long n);
int ts_unary_grad(int op, const float *x, const float *gy, float *gx, long n);
#define TS_MAX_RANK 8
typedef struct { const void *data; long offset; long strides[TS_MAX_RANK]; } ts_view;
int ts_binary(int op, const ts_view *a, const ts_view *b, float *out, const long *shape, int rank);
void ts_where(const ts_view *cond, int cond_type, const ts_view *a, const ts_view *b, float *out,
              const long *shape, int rank);
/* Element types of copy (matching the typed array kinds). */
typedef enum { TT_F32, TT_F64, TT_I32, TT_U8, TT_I8, TT_U16 } ts_type;
int ts_copy(const ts_view *src, ts_type st, ts_view *dst, ts_type dt, const long *shape, int rank);

/* ---- rows: reductions, softmax, cross-entropy ---- */
int ts_reduce(int op, const float *x, long rows, long cols, void *out);
void ts_softmax(const float *x, float *y, long rows, long cols, int log);
void ts_softmax_grad(const float *y, const float *gy, float *gx, long rows, long cols, int log);
int ts_cross_entropy(const float *x, const int32_t *t, float *loss, float *lse, long rows, long cols,
                      long ignore, float smoothing);
int ts_cross_entropy_grad(const float *x, const int32_t *t, const float *lse, const float *gloss,
                           float *gx, long rows, long cols, long ignore, float smoothing);

/* ---- norms ---- */
void ts_layer_norm(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd,
                   long rows, long cols, float eps);
void ts_layer_norm_grad(const float *x, const float *w, const float *mean, const float *rstd,
                        const float *gy, float *gx, float *gw, float *gb, long rows, long cols);
void ts_rms_norm(const float *x, const float *w, float *y, float *rstd, long rows, long cols, float eps);
void ts_rms_norm_grad(const float *x, const float *w, const float *rstd, const float *gy, float *gx,
                      float *gw, long rows, long cols);

/* ---- indexing ---- */
int ts_gather(const float *x, const int32_t *idx, float *out, long outer, long dim, long idim, long inner);
int ts_scatter_add(const float *g, const int32_t *idx, float *gx, long outer, long dim, long idim, long inner);
int ts_index_select(const float *table, long vocab, const int32_t *ids, long nids, float *out, long cols);
int ts_index_add(const float *g, const int32_t *ids, long nids, float *gtable, long vocab, long cols);

/* ---- optimizer ---- */
void ts_adamw(float *p, const float *g, float *m, float *v, long n, double lr, double b1, double b2,
              double eps, double wd, double step);

/* ---- machine probes (bench) ---- */
/* Runs a register-only FMA loop; returns the flops it did (0 when there is no FMA path). */
double ts_fma_peak_flops(long iterations);
/* kind 0: copy a = b; kind 1: triad a = b + s*c. Threaded over the pool. */
void ts_stream(int kind, float *a, const float *b, const float *c, long n, float s);

/* One cache-line prefetch: for reading into L1 (0), for writing (1), or for reading into L2 (2).
 * An asm statement on x86-64, since GCC drops __builtin_prefetch next to loops it vectorizes. */
static inline void ts_prefetch(const void *p, int kind) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (kind == 1) __asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
  else if (kind == 2) __asm__ volatile("prefetcht1 %0" : : "m"(*(const char *)p));
  else __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
  if (kind == 1) __builtin_prefetch(p, 1);
  else __builtin_prefetch(p, 0, kind == 2 ? 2 : 3);
#endif
}

#endif

/* A small fork-join thread pool. Workers spin briefly after a job (kernels come in quick
 * succession during a forward pass), then yield the CPU for up to a millisecond, then park on a
 * condition variable, so an idle process takes no CPU from others on the machine. Yielding
 * rather than parking at once matters on a busy machine: a futex wake-up can take longer than
 * the job, and once both sides sleep every job pays it. The calling thread is worker 0. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include "tessera.h"

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

#define SPIN_NS 5000L      /* busy-wait with pause (short: the other thread may share our core) */
#define YIELD_NS 1000000L  /* then sched_yield, then park */

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

typedef struct {
  pthread_t *threads;
  int size; /* workers + caller */
  pthread_mutex_t mu;
  pthread_cond_t wake, done;
  atomic_uint gen;
  atomic_int remaining;
  int sleepers, main_waiting, stop;
  ts_task fn;
  void *ctx;
  int nt;
} pool_t;

/* Kernels may be called from several JS threads (worker_threads) at once: one job at a time. */
static pthread_mutex_t g_run_mu = PTHREAD_MUTEX_INITIALIZER;

static pool_t g_pool = {.size = 0, .mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
                        .done = PTHREAD_COND_INITIALIZER};

typedef struct { int tid; unsigned gen; } worker_arg;

static void *worker(void *arg) {
  /* The generation at creation, not at thread start: a job posted before the thread first runs
   * must not be missed. */
  const int tid = ((worker_arg *)arg)->tid;
  unsigned seen = ((worker_arg *)arg)->gen;
  free(arg);
  pool_t *p = &g_pool;
  for (;;) {
    unsigned g = seen;
    const long t0 = now_ns();
    for (unsigned i = 0;; i++) {
      g = atomic_load_explicit(&p->gen, memory_order_acquire);
      if (g != seen) break;
      const long dt = (i & 63) == 0 ? now_ns() - t0 : 0;
      if (dt > YIELD_NS) break;
      if (dt > SPIN_NS) sched_yield();
      else cpu_relax();
    }
    if (g == seen) {
      pthread_mutex_lock(&p->mu);
      p->sleepers++;
      while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen && !p->stop)
        pthread_cond_wait(&p->wake, &p->mu);
      p->sleepers--;
      int stop = p->stop;
      pthread_mutex_unlock(&p->mu);
      if (stop) return NULL;
    }
    seen = g;
    if (p->stop) return NULL;
    if (tid < p->nt) p->fn(p->ctx, tid, p->nt);
    if (atomic_fetch_sub_explicit(&p->remaining, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&p->mu);
      if (p->main_waiting) pthread_cond_signal(&p->done);
      pthread_mutex_unlock(&p->mu);
    }
  }
}

static void pool_stop(void) {
  pool_t *p = &g_pool;
  if (p->size <= 1) return;
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mu);
  for (int i = 1; i < p->size; i++) pthread_join(p->threads[i - 1], NULL);
  free(p->threads);
  p->threads = NULL;
  p->stop = 0;
  p->size = 1;
}

static int default_threads(void) {
  const char *env = getenv("TESSERA_THREADS");
  if (env && atoi(env) > 0) return atoi(env);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static void set_threads_locked(int n);

void ts_pool_set_threads(int n) {
  pthread_mutex_lock(&g_run_mu);
  set_threads_locked(n);
  pthread_mutex_unlock(&g_run_mu);
}

static void set_threads_locked(int n) {
  pool_t *p = &g_pool;
  if (n < 1) n = 1;
  if (n > 256) n = 256;
  if (p->size == n) return;
  pool_stop();
  p->size = n;
  if (n == 1) return;
  p->threads = calloc((size_t)n - 1, sizeof(pthread_t));
  const unsigned gen = atomic_load_explicit(&p->gen, memory_order_acquire);
  for (int i = 1; i < n; i++) {
    worker_arg *a = malloc(sizeof *a);
    a->tid = i;
    a->gen = gen;
    pthread_create(&p->threads[i - 1], NULL, worker, a);
  }
}

int ts_pool_threads(void) {
  if (g_pool.size == 0) {
    pthread_mutex_lock(&g_run_mu);
    if (g_pool.size == 0) set_threads_locked(default_threads());
    pthread_mutex_unlock(&g_run_mu);
  }
  return g_pool.size;
}

void ts_pool_run(ts_task fn, void *ctx, int nt) {
  pool_t *p = &g_pool;
  int size = ts_pool_threads();
  if (nt > size) nt = size;
  if (nt <= 1) {
    fn(ctx, 0, 1);
    return;
  }
  pthread_mutex_lock(&g_run_mu);
  if (nt > p->size) nt = p->size;
  if (nt <= 1) {
    pthread_mutex_unlock(&g_run_mu);
    fn(ctx, 0, 1);
    return;
  }
  p->fn = fn;
  p->ctx = ctx;
  p->nt = nt;
  atomic_store_explicit(&p->remaining, p->size - 1, memory_order_relaxed);
  pthread_mutex_lock(&p->mu);
  atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
  if (p->sleepers > 0) pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mu);
  fn(ctx, 0, nt);
  const long t0 = now_ns();
  for (unsigned i = 0;; i++) {
    if (atomic_load_explicit(&p->remaining, memory_order_acquire) == 0) {
      pthread_mutex_unlock(&g_run_mu);
      return;
    }
    const long dt = (i & 63) == 0 ? now_ns() - t0 : 0;
    if (dt > 10 * YIELD_NS) break;
    if (dt > SPIN_NS) sched_yield();
    else cpu_relax();
  }
  pthread_mutex_lock(&p->mu);
  p->main_waiting = 1;
  while (atomic_load_explicit(&p->remaining, memory_order_acquire) != 0) pthread_cond_wait(&p->done, &p->mu);
  p->main_waiting = 0;
  pthread_mutex_unlock(&p->mu);
  pthread_mutex_unlock(&g_run_mu);
}

void ts_split(long n, long unit, int tid, int nt, long *lo, long *hi) {
  long units = (n + unit - 1) / unit;
  long base = units / nt, extra = units % nt;
  long u0 = tid * base + (tid < extra ? tid : extra);
  long u1 = u0 + base + (tid < extra ? 1 : 0);
  *lo = u0 * unit < n ? u0 * unit : n;
  *hi = u1 * unit < n ? u1 * unit : n;
}

void ts_range_init(ts_range *r, long n, long unit, int nt) {
  long piece = (n + 8L * nt - 1) / (8L * nt);
  piece = (piece + unit - 1) / unit * unit;
  r->piece = piece < unit ? unit : piece;
  r->n = n;
  atomic_init(&r->next, 0);
}

int ts_range_next(ts_range *r, long *lo, long *hi) {
  const long i = atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed);
  *lo = i * r->piece;
  if (*lo >= r->n) return 0;
  *hi = *lo + r->piece < r->n ? *lo + r->piece : r->n;
  return 1;
}

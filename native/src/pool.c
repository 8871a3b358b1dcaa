/* A small fork-join thread pool. Workers spin briefly after a job (kernels come in quick
 * succession during a forward pass), then park on a condition variable so an idle process
 * takes no CPU from others on the machine. The calling thread is worker 0. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sched.h>
#include <unistd.h>
#include "tessera.h"

#define SPIN_ITERS 4000

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

static pool_t g_pool = {.size = 0, .mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
                        .done = PTHREAD_COND_INITIALIZER};

static void *worker(void *arg) {
  int tid = (int)(intptr_t)arg;
  pool_t *p = &g_pool;
  unsigned seen = atomic_load_explicit(&p->gen, memory_order_acquire);
  for (;;) {
    unsigned g = seen;
    for (int i = 0; i < SPIN_ITERS; i++) {
      g = atomic_load_explicit(&p->gen, memory_order_acquire);
      if (g != seen) break;
      cpu_relax();
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

void ts_pool_set_threads(int n) {
  pool_t *p = &g_pool;
  if (n < 1) n = 1;
  if (n > 256) n = 256;
  if (p->size == n) return;
  pool_stop();
  p->size = n;
  if (n == 1) return;
  p->threads = calloc((size_t)n - 1, sizeof(pthread_t));
  for (int i = 1; i < n; i++) pthread_create(&p->threads[i - 1], NULL, worker, (void *)(intptr_t)i);
}

int ts_pool_threads(void) {
  if (g_pool.size == 0) ts_pool_set_threads(default_threads());
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
  p->fn = fn;
  p->ctx = ctx;
  p->nt = nt;
  atomic_store_explicit(&p->remaining, size - 1, memory_order_relaxed);
  pthread_mutex_lock(&p->mu);
  atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
  if (p->sleepers > 0) pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->mu);
  fn(ctx, 0, nt);
  for (int i = 0; i < SPIN_ITERS; i++) {
    if (atomic_load_explicit(&p->remaining, memory_order_acquire) == 0) return;
    cpu_relax();
  }
  pthread_mutex_lock(&p->mu);
  p->main_waiting = 1;
  while (atomic_load_explicit(&p->remaining, memory_order_acquire) != 0) pthread_cond_wait(&p->done, &p->mu);
  p->main_waiting = 0;
  pthread_mutex_unlock(&p->mu);
}

void ts_split(long n, long unit, int tid, int nt, long *lo, long *hi) {
  long units = (n + unit - 1) / unit;
  long base = units / nt, extra = units % nt;
  long u0 = tid * base + (tid < extra ? tid : extra);
  long u1 = u0 + base + (tid < extra ? 1 : 0);
  *lo = u0 * unit < n ? u0 * unit : n;
  *hi = u1 * unit < n ? u1 * unit : n;
}

/* Large tensor buffers reused instead of mapped afresh. V8 allocates typed arrays with malloc;
 * glibc serves anything above its mmap threshold (at most 32 MB by default) with a fresh mapping
 * and returns it to the kernel on free, so each new logits or gradient buffer of a training step
 * pays a page fault per 4 KB and the kernel's zeroing: 40 ms for a 67 MB buffer here, against 3 ms
 * when the block comes back from the heap. Raising the mmap and trim thresholds keeps freed blocks
 * in the heap for the next step, as a caching allocator would (a training step of the main job ran
 * 12-20 % faster). The process keeps up to 1 GB of freed memory at the top of its heap.
 * TESSERA_HEAP=0 leaves glibc's defaults. */
#include <stdlib.h>
#include <string.h>
#include "tessera.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int ts_heap_tune(void) {
#if defined(__GLIBC__)
  const char *env = getenv("TESSERA_HEAP");
  if (env && strcmp(env, "0") == 0) return 0;
  const int limit = 1 << 30;
  return mallopt(M_MMAP_THRESHOLD, limit) == 1 && mallopt(M_TRIM_THRESHOLD, limit) == 1;
#else
  return 0;
#endif
}

/* N-d strided iteration shared by binary, where and copy: dims that are contiguous for every
 * operand are merged, then outer rows are split over the pool and each row handed to a callback
 * with its element offsets and inner strides. */
#ifndef TS_ND_H
#define TS_ND_H
#include "tessera.h"

#define ND_MAX_OPS 4
typedef struct {
  int rank, nops;
  long shape[TS_MAX_RANK];
  long st[ND_MAX_OPS][TS_MAX_RANK];
  long off[ND_MAX_OPS];
} ts_nd;

/* One row: offs[op] is the element offset of the row's first element, inner[op] the stride. */
typedef void (*ts_nd_row)(const void *ctx, const long *offs, const long *inner, long len);

/* Fills op `o` with a contiguous row-major layout of nd->shape. */
void ts_nd_contiguous(ts_nd *nd, int o, long off);
void ts_nd_run(ts_nd *nd, ts_nd_row row, const void *ctx);
#endif

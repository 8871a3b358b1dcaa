// The decoding hot path on the engine's kernels (native GEMM and norms when built), called on raw
// float32 rows without tensors or autograd. Every kernel reduces each output element in an order
// that does not depend on the row count (src/spec/backend.ts), so a token's logits are bitwise the
// same alone, in a multi-token pass or in a batch.
import { kernel } from '../tensor/index.ts';
import type { UnaryOp } from '../spec/backend.ts';

/** y (rows, n) = x (rows, k) · wt (+ bias) with wt (k, n), a Linear's weight transposed once. */
export function linearRows(x: Float32Array, wt: Float32Array, bias: Float32Array | null, rows: number, k: number, n: number): Float32Array {
  const y = new Float32Array(rows * n);
  // The bias is copied in and the product accumulated onto it: one kernel call instead of two.
  if (bias) for (let r = 0; r < rows; r++) y.set(bias, r * n);
  kernel('matmul')(x, wt, y, { batch: 1, m: rows, n, k, transA: false, transB: false, strideA: 0, strideB: 0, accumulate: bias !== null });
  return y;
}

/**
 * w (n, k) transposed to (k, n). Decoding multiplies a few rows by each weight: in (in, out) layout
 * the native GEMM reads the weight in place instead of packing it on every call (~10x at 1 row).
 */
export function transposeRows(w: Float32Array, n: number, k: number): Float32Array {
  const wt = new Float32Array(k * n);
  kernel('copy')({ data: w, offset: 0, strides: [1, k] }, { data: wt, offset: 0, strides: [n, 1] }, [k, n]);
  return wt;
}

/** a (rows, n) += b, b (rows, n) or one row (n) broadcast over the rows; in place. */
export function addRows(a: Float32Array, b: Float32Array, rows: number, n: number): Float32Array {
  const view = { data: a, offset: 0, strides: [n, 1] };
  kernel('binary')('add', view, { data: b, offset: 0, strides: [b.length === n ? 0 : n, 1] }, a, [rows, n]);
  return a;
}

/** a *= b elementwise, in place. */
export function mulInPlace(a: Float32Array, b: Float32Array): Float32Array {
  const view = (data: Float32Array) => ({ data, offset: 0, strides: [1] });
  kernel('binary')('mul', view(a), view(b), a, [a.length]);
  return a;
}

/** x = op(x), in place. */
export function unaryInPlace(op: UnaryOp, x: Float32Array): Float32Array {
  kernel('unary')(op, x, x);
  return x;
}

/** LayerNorm (w, b may be null) or, with `rms`, RMSNorm over each row, into a new array. */
export function normRows(x: Float32Array, w: Float32Array | null, b: Float32Array | null, rows: number, n: number, eps: number, rms: boolean): Float32Array {
  const y = new Float32Array(rows * n);
  const rstd = new Float32Array(rows);
  if (rms) kernel('rmsNorm')(x, w, y, rstd, rows, n, eps);
  else kernel('layerNorm')(x, w, b, y, new Float32Array(rows), rstd, rows, n, eps);
  return y;
}

/** Embedding rows: out[r] = table[ids[r]] for a (vocab, n) table. */
export function embedRows(table: Float32Array, ids: ArrayLike<number>, n: number): Float32Array {
  const out = new Float32Array(ids.length * n);
  kernel('indexSelect')(table, Int32Array.from(ids), out, n);
  return out;
}

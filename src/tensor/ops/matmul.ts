// Batched, broadcasting matmul. Operands whose last two axes are a transposed contiguous block
// are passed with a trans flag instead of being copied (x @ W.T costs no copy).
import type { FloatArray } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { kernel } from '../engine.ts';
import { record } from '../autograd.ts';
import { isComputeFloat } from '../dtype.ts';
import { broadcastShapes, numel } from '../../util/shape.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { contiguous, copyInto, expand, reshape, squeeze, transpose, unsqueeze } from './view.ts';
import { add } from './elementwise.ts';
import { sumTo } from './reduce.ts';

interface MatrixOperand {
  data: FloatArray;
  trans: boolean;
  stride: number;
}

/** Lays out t (already broadcast to its batch) as contiguous matrices, maybe transposed. */
function operand(t: Tensor, batch: readonly number[]): MatrixOperand {
  const r = t.shape[t.ndim - 2];
  const c = t.shape[t.ndim - 1];
  const bn = numel(t.shape.slice(0, -2));
  if (t.data.length === 0 && t.numel > 0) {
    fail('matmul', `${t.name ?? 'operand'} of shape ${fmtShape(t.shape)} has no storage (a released parameter: materialize it first)`);
  }
  const sameBatch = bn === numel(batch);
  // A batch that broadcasts only partly (e.g. (3, 1) against (3, 2)) is materialised in full, and
  // then, like a batch of matching size, steps one matrix per batch item.
  const x = sameBatch || bn === 1 ? t : contiguous(expand(t, [...batch, r, c]));
  const stride = bn > 1 ? r * c : 0;
  const view = (u: Tensor, trans: boolean): MatrixOperand => ({
    data: u.data.subarray(u.offset) as FloatArray,
    trans,
    stride,
  });
  if (x.isContiguous) return view(x, false);
  const xt = transposeStrides(x);
  if (xt) return view(x, true);
  return view(contiguous(x), false);
}

/** True when x's last two axes, swapped, give a contiguous layout (and the batch is packed). */
function transposeStrides(x: Tensor): boolean {
  const n = x.ndim;
  const r = x.shape[n - 2];
  const c = x.shape[n - 1];
  if ((x.strides[n - 2] !== 1 && r !== 1) || (x.strides[n - 1] !== r && c !== 1)) return false;
  let acc = r * c;
  for (let i = n - 3; i >= 0; i--) {
    if (x.shape[i] !== 1 && x.strides[i] !== acc) return false;
    acc *= x.shape[i];
  }
  return true;
}

/** a·b over the broadcast batch; with `init` (already of the product's shape) the product adds into it. */
function matmulRaw(a: Tensor, b: Tensor, init?: Tensor): Tensor {
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const n = b.shape[b.ndim - 1];
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const A = operand(a, batch);
  const B = operand(b, batch);
  // k = 0 leaves the product all zeros, which only a zero-filled buffer holds.
  const out = init ?? (k > 0 ? Tensor.uninit([...batch, m, n], a.dtype) : Tensor.empty([...batch, m, n], a.dtype));
  kernel('matmul', a.dtype)(A.data, B.data, out.data as FloatArray, {
    batch: numel(batch), m, n, k, transA: A.trans, transB: B.trans, strideA: A.stride, strideB: B.stride,
    accumulate: init !== undefined,
  });
  return out;
}

function checkOperands(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype || !isComputeFloat(a.dtype)) {
    fail(op, `expected two float tensors of one dtype, got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`);
  }
  if (a.ndim === 0 || b.ndim === 0) fail(op, `both operands need at least one dimension, got ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  if (a.ndim >= 2 && b.ndim >= 2 && b.shape[b.ndim - 2] !== a.shape[a.ndim - 1]) {
    fail(op, `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${a.shape[a.ndim - 1]} vs ${b.shape[b.ndim - 2]})`);
  }
}

/** The matmul vjp: one GEMM per operand that needs a gradient (transposes are views). */
function matmulVjp(a: Tensor, b: Tensor, g: Tensor): (Tensor | null)[] {
  return [
    a.requiresGrad ? sumTo(matmul(g, transpose(b)), a.shape) : null,
    b.requiresGrad ? weightGrad(a, b, g) : null,
  ];
}

/**
 * b's gradient aᵀ·g. When b is the transposed view of a stored matrix (x @ W.T, as Linear does),
 * the product is computed as (gᵀ·a)ᵀ, so that it lands in W's own layout: the gradient that
 * reaches W is then contiguous, and copying it into W.grad is a plain copy instead of a transpose.
 */
function weightGrad(a: Tensor, b: Tensor, g: Tensor): Tensor {
  if (a.ndim === 2 && b.ndim === 2 && !b.isContiguous && transposeStrides(b)) return transpose(matmul(transpose(g), a));
  return sumTo(matmul(transpose(a), g), b.shape);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperands('matmul', a, b);
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, -1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, -1)), -1);
  const k = a.shape[a.ndim - 1];
  // (..., m, k) @ (k, n): fold the batch into m, one large GEMM (the Linear-layer case).
  if (b.ndim === 2 && a.ndim > 2 && a.isContiguous) {
    const y = matmul(reshape(a, [-1, k]), b);
    return reshape(y, [...a.shape.slice(0, -1), b.shape[1]]);
  }
  return record(matmulRaw(a, b), 'matmul', [a, b], (g) => matmulVjp(a, b, g));
}

/**
 * a·b + c, c broadcast to the product's shape (a bias, an additive attention mask): the GEMM
 * accumulates into a copy of c, which saves the separate add pass over the product.
 */
export function matmulAdd(a: Tensor, b: Tensor, c: Tensor): Tensor {
  checkOperands('matmulAdd', a, b);
  if (a.ndim < 2 || b.ndim < 2 || c.dtype !== a.dtype) return add(matmul(a, b), c);
  const k = a.shape[a.ndim - 1];
  if (b.ndim === 2 && a.ndim > 2 && a.isContiguous && c.ndim <= 1) {
    const y = matmulAdd(reshape(a, [-1, k]), b, c);
    return reshape(y, [...a.shape.slice(0, -1), b.shape[1]]);
  }
  const batch = broadcastShapes('matmulAdd', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, a.shape[a.ndim - 2], b.shape[b.ndim - 1]];
  const full = broadcastShapes('matmulAdd', shape, c.shape);
  if (k === 0 || full.length !== shape.length || full.some((d, i) => d !== shape[i])) return add(matmul(a, b), c);
  const init = Tensor.uninit(shape, a.dtype);
  copyInto(expand(c, shape), init);
  return record(matmulRaw(a, b, init), 'matmulAdd', [a, b, c], (g) => [
    ...matmulVjp(a, b, g),
    c.requiresGrad ? sumTo(g, c.shape) : null,
  ]);
}

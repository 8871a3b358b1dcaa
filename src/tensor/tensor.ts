// Tensor: a typed-array storage plus shape, strides and offset; views share storage. Storage is
// GC-managed. Methods are thin aliases of the functional ops in ./ops (each op defined once).
import type { DType, Storage, StridedView } from '../spec/backend.ts';
import { allocStorage, bytesOf } from './dtype.ts';
import { noteAlloc } from './engine.ts';
import { contiguousStrides, numel, type Shape } from '../util/shape.ts';
import { fail, fmtShape } from '../util/errors.ts';
import { backward, type BackwardOptions, type GradNode } from './autograd.ts';
import * as E from './ops/elementwise.ts';
import * as R from './ops/reduce.ts';
import * as V from './ops/view.ts';
import * as M from './ops/matmul.ts';
import * as N from './ops/nn.ts';
import { formatTensor } from './format.ts';

export type Scalar = number;
export type TensorLike = Tensor | number;

export class Tensor implements StridedView {
  /** The storage; a released parameter (ZeRO-3) has an empty one until materialised. */
  data: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  requiresGrad = false;
  grad: Tensor | null = null;
  node: GradNode | null = null;
  /** Keep .grad on a non-leaf tensor too (see retainGrad()). */
  retainsGrad = false;
  name?: string;

  constructor(data: Storage, shape: Shape, dtype: DType, strides?: readonly number[], offset = 0) {
    this.data = data;
    this.shape = [...shape];
    this.strides = strides ? [...strides] : contiguousStrides(shape);
    this.offset = offset;
    this.dtype = dtype;
  }

  /** A fresh contiguous tensor of `shape`, zero-filled (counted by the allocation counter). */
  static empty(shape: Shape, dtype: DType = 'f32'): Tensor {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) fail('tensor', `shape ${fmtShape(shape)} must hold non-negative integers`);
    }
    const n = numel(shape);
    noteAlloc(n * bytesOf(dtype));
    return new Tensor(allocStorage(dtype, n), shape, dtype);
  }

  get ndim(): number { return this.shape.length; }
  get numel(): number { return numel(this.shape); }
  size(axis?: number): number { return axis === undefined ? this.numel : this.shape[axis < 0 ? axis + this.ndim : axis]; }

  /** True when the elements lie in row-major order from `offset` (size-1 axes ignored). */
  get isContiguous(): boolean {
    let acc = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== acc) return false;
      acc *= this.shape[i];
    }
    return true;
  }

  /** The contiguous storage window of a contiguous tensor, without copying. */
  buffer(): Storage {
    if (!this.isContiguous) fail('buffer', `tensor of shape ${fmtShape(this.shape)} is not contiguous; call contiguous() first`);
    const n = this.numel;
    if (this.offset + n > this.data.length) {
      fail('buffer', `${this.name ?? 'tensor'} of shape ${fmtShape(this.shape)} has no storage (a released parameter: materialize it first)`);
    }
    return this.offset === 0 && this.data.length === n ? this.data : this.data.subarray(this.offset, this.offset + n);
  }

  // ---- reading -------------------------------------------------------------------------------
  /** Elements in row-major order as a plain number array. */
  toFlatArray(): number[] {
    const c = this.contiguous();
    const buf = c.buffer();
    if (c.dtype === 'f16' || c.dtype === 'bf16') return Array.from(c.cast('f32').buffer());
    return Array.from(buf as ArrayLike<number>);
  }

  /** Nested arrays, like PyTorch's tolist(). A 0-d tensor gives its number. */
  toArray(): NestedArray {
    const flat = this.toFlatArray();
    const build = (dim: number, off: number): NestedArray => {
      if (dim === this.ndim) return flat[off];
      const stride = numel(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, off + i * stride));
    };
    return build(0, 0);
  }

  item(): number {
    if (this.numel !== 1) fail('item', `only a one-element tensor has an item; this one has shape ${fmtShape(this.shape)}`);
    return this.toFlatArray()[0];
  }

  toString(): string { return formatTensor(this); }

  // ---- autograd -------------------------------------------------------------------------------
  backward(grad?: Tensor, opts?: BackwardOptions): void { backward(this, grad, opts); }
  /** The same storage, cut off from the graph. */
  detach(): Tensor { return new Tensor(this.data, this.shape, this.dtype, this.strides, this.offset); }
  retainGrad(): this { this.retainsGrad = true; return this; }
  setRequiresGrad(v = true): this {
    if (v && this.dtype !== 'f32' && this.dtype !== 'f64') fail('requiresGrad', `only f32/f64 tensors can require gradients (got ${this.dtype} of shape ${fmtShape(this.shape)})`);
    this.requiresGrad = v;
    return this;
  }
  zeroGrad(): void { this.grad = null; }

  // ---- views and copies ----------------------------------------------------------------------
  contiguous(): Tensor { return V.contiguous(this); }
  clone(): Tensor { return V.clone(this); }
  reshape(...shape: number[] | [number[]]): Tensor { return V.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [number[]]): Tensor { return V.reshape(this, flatArgs(shape)); }
  flatten(start = 0, end = -1): Tensor { return V.flatten(this, start, end); }
  permute(...dims: number[] | [number[]]): Tensor { return V.permute(this, flatArgs(dims)); }
  transpose(a = -2, b = -1): Tensor { return V.transpose(this, a, b); }
  /** The transpose of the last two axes. */
  get T(): Tensor { return V.transpose(this, -2, -1); }
  slice(axis: number, start: number, end?: number, step = 1): Tensor { return V.slice(this, axis, start, end, step); }
  expand(...shape: number[] | [number[]]): Tensor { return V.expand(this, flatArgs(shape)); }
  squeeze(axis?: number): Tensor { return V.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return V.unsqueeze(this, axis); }
  cast(dtype: DType): Tensor { return E.cast(this, dtype); }
  onesLike(): Tensor { return E.fullLike(this, 1); }
  zerosLike(): Tensor { return E.fullLike(this, 0); }

  // ---- elementwise -----------------------------------------------------------------------------
  add(b: TensorLike): Tensor { return E.add(this, b); }
  sub(b: TensorLike): Tensor { return E.sub(this, b); }
  mul(b: TensorLike): Tensor { return E.mul(this, b); }
  div(b: TensorLike): Tensor { return E.div(this, b); }
  pow(b: TensorLike): Tensor { return E.pow(this, b); }
  maximum(b: TensorLike): Tensor { return E.maximum(this, b); }
  minimum(b: TensorLike): Tensor { return E.minimum(this, b); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  rsqrt(): Tensor { return E.rsqrt(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  square(): Tensor { return E.square(this); }
  tanh(): Tensor { return E.tanh(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  relu(): Tensor { return E.relu(this); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return E.gelu(this, approximate); }
  silu(): Tensor { return E.silu(this); }
  clamp(min?: number, max?: number): Tensor { return E.clamp(this, min, max); }
  eq(b: TensorLike): Tensor { return E.eq(this, b); }
  ne(b: TensorLike): Tensor { return E.ne(this, b); }
  lt(b: TensorLike): Tensor { return E.lt(this, b); }
  le(b: TensorLike): Tensor { return E.le(this, b); }
  gt(b: TensorLike): Tensor { return E.gt(this, b); }
  ge(b: TensorLike): Tensor { return E.ge(this, b); }

  // ---- reductions ------------------------------------------------------------------------------
  sum(axes?: number | number[], keepdim = false): Tensor { return R.sum(this, axes, keepdim); }
  mean(axes?: number | number[], keepdim = false): Tensor { return R.mean(this, axes, keepdim); }
  var(axes?: number | number[], keepdim = false, correction = 1): Tensor { return R.variance(this, axes, keepdim, correction); }
  max(axes?: number | number[], keepdim = false): Tensor { return R.max(this, axes, keepdim); }
  min(axes?: number | number[], keepdim = false): Tensor { return R.min(this, axes, keepdim); }
  argmax(axis = -1, keepdim = false): Tensor { return R.argmax(this, axis, keepdim); }
  argmin(axis = -1, keepdim = false): Tensor { return R.argmin(this, axis, keepdim); }
  logsumexp(axes?: number | number[], keepdim = false): Tensor { return R.logsumexp(this, axes, keepdim); }

  // ---- linear algebra and nn -----------------------------------------------------------------
  matmul(b: Tensor): Tensor { return M.matmul(this, b); }
  softmax(axis = -1): Tensor { return N.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return N.logSoftmax(this, axis); }
}

export type NestedArray = number | NestedArray[];

function flatArgs(a: number[] | [number[]]): number[] {
  return Array.isArray(a[0]) ? (a[0] as number[]) : (a as number[]);
}

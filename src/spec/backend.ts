// The kernel contract between the tensor engine and a backend (reference TS, native C, ...).
// Types only. Kernels read and write typed arrays in place; the engine owns shapes, autograd and
// allocation. Every kernel computes each output element (or row) with a reduction order that does
// not depend on how many rows are in the call or on the thread count (batch invariance).

export type DType = 'f32' | 'f64' | 'i32' | 'u8' | 'i8' | 'f16' | 'bf16';
export type FloatArray = Float32Array | Float64Array;
/** Storage of every dtype: f16 and bf16 are stored as raw 16-bit words. */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;

/** A strided view on storage: element (i0, i1, ...) is data[offset + Σ ik·strides[k]]. */
export interface StridedView {
  readonly data: Storage;
  readonly offset: number;
  readonly strides: readonly number[];
}

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'tanh' | 'sigmoid' | 'relu'
  | 'gelu' | 'geluTanh' | 'silu' | 'square' | 'reciprocal';

/** Ops whose gradient needs its own kernel (the others compose from unary/binary ops). */
export type UnaryGradOp = 'gelu' | 'geluTanh' | 'silu';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** Reductions over the last axis of a contiguous (rows, cols) block. argmax/argmin write i32. */
export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax' | 'argmin' | 'logsumexp';

export interface MatmulParams {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A is (batch, m, k) or, when transA, (batch, k, m); contiguous per batch item. */
  readonly transA: boolean;
  /** B is (batch, k, n) or, when transB, (batch, n, k). */
  readonly transB: boolean;
  /** Elements between batch items; 0 broadcasts one matrix over the batch. */
  readonly strideA: number;
  readonly strideB: number;
  /** When true, out += A·B instead of out = A·B (gradient accumulation). */
  readonly accumulate?: boolean;
}

export interface AdamWParams {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** 1-based step count, for bias correction. */
  readonly step: number;
}

/**
 * Fused attention (FlashAttention-2 loop order). q is (batch, headsQ, nq, d), k and v are
 * (batch, headsKV, nk, d), all contiguous; query head h reads KV head floor(h / (headsQ / headsKV)).
 */
export interface AttentionParams {
  readonly batch: number;
  readonly headsQ: number;
  readonly headsKV: number;
  readonly nq: number;
  readonly nk: number;
  readonly d: number;
  readonly scale: number;
  /** Bottom-right aligned: query i sees keys j <= i + (nk - nq). */
  readonly causal: boolean;
  /** Valid keys per batch row (key padding); null means all nk. */
  readonly keyLengths: Int32Array | null;
  /** Dropout probability on the attention weights; the keep-mask is a pure function of (seed, b, h, i, j). */
  readonly dropout: number;
  readonly seed: number;
  /** Sliding window: query i sees keys in [i + o - windowLeft, i + o + windowRight], o = nk - nq; -1 or absent = unbounded. */
  readonly windowLeft?: number;
  readonly windowRight?: number;
  /** Additive bias, contiguous rows (…, nq, nk) at b·biasBatchStride + h·biasHeadStride (0 = broadcast). */
  readonly bias?: FloatArray | null;
  readonly biasBatchStride?: number;
  readonly biasHeadStride?: number;
  /** Softcap c > 0: scores become c·tanh(s / c) after scaling, before the bias; 0 or absent = none. */
  readonly softcap?: number;
  /** Loop order: 2 = FlashAttention-2 (default), 1 = FlashAttention-1 (outer loop over key blocks). */
  readonly loopOrder?: 1 | 2;
}

/** Every kernel a backend may provide. Arrays are contiguous unless typed StridedView. */
export interface Kernels {
  /** out[i] = op(x[i]). */
  unary(op: UnaryOp, x: FloatArray, out: FloatArray): void;
  /** gx[i] = gy[i] · op'(x[i]). */
  unaryGrad(op: UnaryGradOp, x: FloatArray, gy: FloatArray, gx: FloatArray): void;
  /** out (contiguous, `shape`) = op(a, b); broadcasting is a 0 stride. Comparisons write 1/0. */
  binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void;
  /** out = cond ? a : b, cond nonzero meaning true. */
  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void;
  /** Copies a strided view into another strided view of `shape`, converting dtype if they differ. */
  copy(src: StridedView, dst: StridedView, shape: readonly number[]): void;
  /** out[r] = op(x[r, 0..cols)). */
  reduce(op: ReduceOp, x: FloatArray, rows: number, cols: number, out: Storage): void;
  /** out = A·B per MatmulParams; out is (batch, m, n) contiguous. */
  matmul(a: FloatArray, b: FloatArray, out: FloatArray, p: MatmulParams): void;
  /** Row-wise softmax (or log-softmax) of a (rows, cols) block. */
  softmax(x: FloatArray, out: FloatArray, rows: number, cols: number, log: boolean): void;
  /** gx from the forward output y and gy; for log=true y is the log-softmax output. */
  softmaxGrad(y: FloatArray, gy: FloatArray, gx: FloatArray, rows: number, cols: number, log: boolean): void;
  /** y = (x - mean)·rstd·w + b per row; writes mean and rstd (rows) for the backward. w, b may be null. */
  layerNorm(x: FloatArray, w: FloatArray | null, b: FloatArray | null, y: FloatArray,
    mean: FloatArray, rstd: FloatArray, rows: number, cols: number, eps: number): void;
  /** Writes gx; adds into gw and gb (length cols) when given. */
  layerNormGrad(x: FloatArray, w: FloatArray | null, mean: FloatArray, rstd: FloatArray, gy: FloatArray,
    gx: FloatArray, gw: FloatArray | null, gb: FloatArray | null, rows: number, cols: number): void;
  /** y = x·rstd·w with rstd = 1/sqrt(mean(x²) + eps); w may be null. */
  rmsNorm(x: FloatArray, w: FloatArray | null, y: FloatArray, rstd: FloatArray, rows: number, cols: number, eps: number): void;
  rmsNormGrad(x: FloatArray, w: FloatArray | null, rstd: FloatArray, gy: FloatArray,
    gx: FloatArray, gw: FloatArray | null, rows: number, cols: number): void;
  /**
   * Per-row cross-entropy of logits (rows, cols) against integer targets, with label smoothing;
   * rows whose target is ignoreIndex get loss 0. Writes loss (rows) and lse (rows).
   */
  crossEntropy(logits: FloatArray, targets: Int32Array, loss: FloatArray, lse: FloatArray,
    rows: number, cols: number, ignoreIndex: number, smoothing: number): void;
  /** glogits = gloss[r] · (softmax - smoothed one-hot); zero for ignored rows. */
  crossEntropyGrad(logits: FloatArray, targets: Int32Array, lse: FloatArray, gloss: FloatArray,
    glogits: FloatArray, rows: number, cols: number, ignoreIndex: number, smoothing: number): void;
  /** x viewed as (outer, dim, inner): out[o, j, i] = x[o, index[o, j, i], i]; index is (outer, idxDim, inner). */
  gather(x: FloatArray, index: Int32Array, out: FloatArray, outer: number, dim: number, idxDim: number, inner: number): void;
  /** The adjoint of gather: gx[o, index[o, j, i], i] += g[o, j, i]. */
  scatterAdd(g: FloatArray, index: Int32Array, gx: FloatArray, outer: number, dim: number, idxDim: number, inner: number): void;
  /** Embedding lookup: out[r, :] = table[ids[r], :] for a (vocab, cols) table. */
  indexSelect(table: FloatArray, ids: Int32Array, out: FloatArray, cols: number): void;
  /** Its gradient: gtable[ids[r], :] += g[r, :], rows visited in order (deterministic). */
  indexAdd(g: FloatArray, ids: Int32Array, gtable: FloatArray, cols: number): void;
  /** Fused attention forward: writes out (batch, headsQ, nq, d) and the row log-sum-exp lse (batch, headsQ, nq). */
  attention(q: FloatArray, k: FloatArray, v: FloatArray, out: FloatArray, lse: FloatArray, p: AttentionParams): void;
  /**
   * Its backward with recomputation from lse: writes gq, gk, gv (gk, gv summed over a KV head's query heads)
   * and, when given, gbias (batch, headsQ, nq, nk) = dS for visible entries (the caller zero-fills it).
   */
  attentionGrad(q: FloatArray, k: FloatArray, v: FloatArray, out: FloatArray, lse: FloatArray, gout: FloatArray,
    gq: FloatArray, gk: FloatArray, gv: FloatArray, p: AttentionParams, gbias?: FloatArray | null): void;
  /** One fused AdamW step in place on p, m, v with gradient g (decoupled weight decay). */
  adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWParams): void;
}

export type KernelName = keyof Kernels;

/** A backend: a name, the dtypes its kernels accept, and the kernels it implements. */
export interface Backend {
  readonly name: string;
  /** Dtypes its kernels accept (e.g. native: ['f32']); other dtypes go to the fallback. */
  readonly dtypes: readonly DType[];
  /** Where to look for a kernel this backend lacks or a dtype it does not take. */
  readonly fallback?: string;
  readonly kernels: Partial<Kernels>;
}

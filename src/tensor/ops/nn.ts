// Fused neural-network ops: softmax, log-softmax, layer-norm, rms-norm, cross-entropy, dropout.
// Each calls one kernel forward and one backward; their composed forms are in tests as oracles.
import type { FloatArray } from '../../spec/backend.ts';
import { Tensor } from '../tensor.ts';
import { defaultRng, kernel } from '../engine.ts';
import { record } from '../autograd.ts';
import { isComputeFloat } from '../dtype.ts';
import { normAxis } from '../../util/shape.ts';
import { fail, fmtShape } from '../../util/errors.ts';
import { contiguous, transpose } from './view.ts';
import { div, mul } from './elementwise.ts';
import { sum as sumAll } from './reduce.ts';
import type { Rng } from '../../util/rng.ts';

const buf = (t: Tensor): FloatArray => contiguous(t).buffer() as FloatArray;

function requireFloat(op: string, x: Tensor): void {
  if (!isComputeFloat(x.dtype)) fail(op, `expected a float tensor (f32 or f64), got ${x.dtype} of shape ${fmtShape(x.shape)}`);
}

/** Applies a last-axis row op along any axis by swapping that axis to the end and back. */
function alongAxis(x: Tensor, axis: number, op: string, fn: (x: Tensor) => Tensor): Tensor {
  const a = normAxis(op, axis, x.shape);
  if (a === x.ndim - 1) return fn(x);
  return transpose(fn(contiguous(transpose(x, a, -1))), a, -1);
}

function softmaxLast(x: Tensor, log: boolean): Tensor {
  const cols = x.shape[x.ndim - 1] ?? 1;
  const rows = x.numel / Math.max(cols, 1);
  const y = Tensor.empty(x.shape, x.dtype);
  kernel('softmax', x.dtype)(buf(x), y.data as FloatArray, rows, cols, log);
  return record(y, log ? 'logSoftmax' : 'softmax', [x], (g) => {
    const gx = Tensor.empty(x.shape, x.dtype);
    kernel('softmaxGrad', x.dtype)(y.data as FloatArray, buf(g), gx.data as FloatArray, rows, cols, log);
    return [gx];
  });
}

export function softmax(x: Tensor, axis = -1): Tensor {
  requireFloat('softmax', x);
  return alongAxis(x, axis, 'softmax', (t) => softmaxLast(t, false));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  requireFloat('logSoftmax', x);
  return alongAxis(x, axis, 'logSoftmax', (t) => softmaxLast(t, true));
}

function normArgs(op: string, x: Tensor, w: Tensor | null, b: Tensor | null): { rows: number; cols: number } {
  requireFloat(op, x);
  const cols = x.shape[x.ndim - 1];
  for (const [name, p] of [['weight', w], ['bias', b]] as const) {
    if (p && (p.ndim !== 1 || p.shape[0] !== cols || p.dtype !== x.dtype)) {
      fail(op, `${name} must be a ${x.dtype} vector of length ${cols} (the last axis of ${fmtShape(x.shape)}), got ${p.dtype} ${fmtShape(p.shape)}`);
    }
  }
  return { rows: x.numel / cols, cols };
}

/** Layer normalisation over the last axis (biased variance, as torch.nn.LayerNorm). */
export function layerNorm(x: Tensor, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const { rows, cols } = normArgs('layerNorm', x, weight, bias);
  const xb = buf(x);
  const y = Tensor.empty(x.shape, x.dtype);
  const mean = Tensor.empty([rows], x.dtype);
  const rstd = Tensor.empty([rows], x.dtype);
  const wb = weight ? buf(weight) : null;
  kernel('layerNorm', x.dtype)(xb, wb, bias ? buf(bias) : null, y.data as FloatArray,
    mean.data as FloatArray, rstd.data as FloatArray, rows, cols, eps);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(y, 'layerNorm', inputs, (g) => {
    const gx = Tensor.empty(x.shape, x.dtype);
    const gw = weight?.requiresGrad ? Tensor.empty([cols], x.dtype) : null;
    const gb = bias?.requiresGrad ? Tensor.empty([cols], x.dtype) : null;
    kernel('layerNormGrad', x.dtype)(xb, wb, mean.data as FloatArray, rstd.data as FloatArray, buf(g),
      gx.data as FloatArray, (gw?.data ?? null) as FloatArray | null, (gb?.data ?? null) as FloatArray | null, rows, cols);
    return [gx, ...(weight ? [gw] : []), ...(bias ? [gb] : [])];
  });
}

/** RMS normalisation over the last axis: x / sqrt(mean(x²) + eps) · w. */
export function rmsNorm(x: Tensor, weight: Tensor | null = null, eps = 1e-6): Tensor {
  const { rows, cols } = normArgs('rmsNorm', x, weight, null);
  const xb = buf(x);
  const y = Tensor.empty(x.shape, x.dtype);
  const rstd = Tensor.empty([rows], x.dtype);
  const wb = weight ? buf(weight) : null;
  kernel('rmsNorm', x.dtype)(xb, wb, y.data as FloatArray, rstd.data as FloatArray, rows, cols, eps);
  return record(y, 'rmsNorm', weight ? [x, weight] : [x], (g) => {
    const gx = Tensor.empty(x.shape, x.dtype);
    const gw = weight?.requiresGrad ? Tensor.empty([cols], x.dtype) : null;
    kernel('rmsNormGrad', x.dtype)(xb, wb, rstd.data as FloatArray, buf(g), gx.data as FloatArray,
      (gw?.data ?? null) as FloatArray | null, rows, cols);
    return weight ? [gx, gw] : [gx];
  });
}

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (loss 0, excluded from the mean). Default -100. */
  ignoreIndex?: number;
  /** Label smoothing ε: the target distribution is (1-ε)·onehot + ε/C. Default 0. */
  labelSmoothing?: number;
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Cross-entropy of logits (..., C) against integer targets (...), fused with log-softmax.
 * 'mean' divides by the number of non-ignored targets, as PyTorch does.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  requireFloat('crossEntropy', logits);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const smoothing = opts.labelSmoothing ?? 0;
  const reduction = opts.reduction ?? 'mean';
  if (targets.dtype !== 'i32') fail('crossEntropy', `targets must be i32 class indices, got ${targets.dtype} of shape ${fmtShape(targets.shape)} (logits ${fmtShape(logits.shape)})`);
  const cols = logits.shape[logits.ndim - 1];
  const lead = logits.shape.slice(0, -1);
  if (targets.ndim !== lead.length || targets.shape.some((d, i) => d !== lead[i])) {
    fail('crossEntropy', `targets shape ${fmtShape(targets.shape)} must equal logits shape without its class axis ${fmtShape(lead)} (logits ${fmtShape(logits.shape)})`);
  }
  if (!(smoothing >= 0 && smoothing <= 1)) fail('crossEntropy', `labelSmoothing must be in [0, 1], got ${smoothing}`);
  const rows = logits.numel / cols;
  const lb = buf(logits);
  const tb = contiguous(targets).buffer() as Int32Array;
  for (let r = 0; r < rows; r++) {
    const t = tb[r];
    if (t !== ignoreIndex && (t < 0 || t >= cols)) fail('crossEntropy', `target ${t} at row ${r} is outside [0, ${cols}) and is not the ignore index ${ignoreIndex}`);
  }
  const loss = Tensor.empty(lead, logits.dtype);
  const lse = Tensor.empty([rows], logits.dtype);
  kernel('crossEntropy', logits.dtype)(lb, tb, loss.data as FloatArray, lse.data as FloatArray, rows, cols, ignoreIndex, smoothing);
  const perRow = record(loss, 'crossEntropy', [logits], (g) => {
    const gl = Tensor.empty(logits.shape, logits.dtype);
    kernel('crossEntropyGrad', logits.dtype)(lb, tb, lse.data as FloatArray, buf(g), gl.data as FloatArray, rows, cols, ignoreIndex, smoothing);
    return [gl];
  });
  if (reduction === 'none') return perRow;
  const total = sumAll(perRow);
  if (reduction === 'sum') return total;
  let count = 0;
  for (let r = 0; r < rows; r++) if (tb[r] !== ignoreIndex) count++;
  return div(total, count);
}

export interface DropoutOptions {
  training?: boolean;
  rng?: Rng;
}

/** Zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout). */
export function dropout(x: Tensor, p: number, opts: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p < 1)) fail('dropout', `p must be in [0, 1), got ${p}`);
  if (opts.training === false || p === 0) return x;
  const rng = opts.rng ?? defaultRng();
  const mask = Tensor.empty(x.shape, x.dtype);
  const m = mask.data;
  const scale = 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = rng.uniform() >= p ? scale : 0;
  return mul(x, mask);
}


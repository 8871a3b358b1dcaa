// Initialisers: fill a tensor's storage in place from a seeded generator (no autograd).
import { Tensor, defaultRng } from '../tensor/index.ts';
import type { Rng } from '../util/rng.ts';
import { fail, fmtShape } from '../util/errors.ts';

function floatStorage(op: string, t: Tensor): Float32Array | Float64Array {
  if (t.dtype !== 'f32' && t.dtype !== 'f64') fail(op, `expected an f32 or f64 tensor, got ${t.dtype}`);
  return t.buffer() as Float32Array | Float64Array;
}

export function normal(t: Tensor, std = 1, mean = 0, rng: Rng = defaultRng()): Tensor {
  const d = floatStorage('init.normal', t);
  for (let i = 0; i < d.length; i++) d[i] = mean + std * rng.normal();
  return t;
}

export function uniform(t: Tensor, low: number, high: number, rng: Rng = defaultRng()): Tensor {
  const d = floatStorage('init.uniform', t);
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * rng.uniform();
  return t;
}

export function constant(t: Tensor, value: number): Tensor {
  floatStorage('init.constant', t).fill(value);
  return t;
}

export const zeros = (t: Tensor): Tensor => constant(t, 0);
export const ones = (t: Tensor): Tensor => constant(t, 1);

/** fan_in and fan_out of a weight (out, in, ...kernel) as PyTorch computes them. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) fail('init.fans', `needs a tensor with at least 2 dimensions, got ${fmtShape(shape)}`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Glorot: U(-b, b) with b = gain·sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform(t: Tensor, gain = 1, rng: Rng = defaultRng()): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const b = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -b, b, rng);
}

/** He: U(-b, b) with b = sqrt(3)·gain/sqrt(fan_in), gain = sqrt(2/(1+a²)) (leaky-ReLU slope a). */
export function kaimingUniform(t: Tensor, a = 0, rng: Rng = defaultRng()): Tensor {
  const { fanIn } = fans(t.shape);
  const b = Math.sqrt(3) * Math.sqrt(2 / (1 + a * a)) / Math.sqrt(fanIn);
  return uniform(t, -b, b, rng);
}

/**
 * GPT-2's scaled init for the projections that write into the residual stream: std / sqrt(2·L),
 * so the residual's variance does not grow with depth (two such writes per layer).
 */
export function scaledResidualStd(std: number, nLayer: number): number {
  return std / Math.sqrt(2 * nLayer);
}

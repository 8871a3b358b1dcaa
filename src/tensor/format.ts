// A readable toString(): PyTorch-like nested brackets, summarised past 1000 elements.
import type { Tensor } from './tensor.ts';
import { fmtShape } from '../util/errors.ts';

export function formatTensor(t: Tensor): string {
  const flat = t.toFlatArray();
  const isInt = t.dtype === 'i32' || t.dtype === 'u8' || t.dtype === 'i8';
  const fmt = (v: number) => (isInt ? String(v) : Number.isInteger(v) && Math.abs(v) < 1e6 ? `${v}.` : v.toPrecision(4));
  const summarise = flat.length > 1000;
  const edge = 3;
  const rec = (dim: number, off: number, indent: string): string => {
    if (dim === t.ndim) return fmt(flat[off]);
    const n = t.shape[dim];
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const idx = summarise && n > 2 * edge ? [...Array(edge).keys(), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)] : [...Array(n).keys()];
    const parts = idx.map((i) => (i < 0 ? '...' : rec(dim + 1, off + i * stride, indent + ' ')));
    const sep = dim === t.ndim - 1 ? ', ' : `,\n${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const body = t.ndim === 0 ? fmt(flat[0]) : rec(0, 0, '       ');
  const extra = [`shape=${fmtShape(t.shape)}`, `dtype=${t.dtype}`];
  if (t.requiresGrad) extra.push('requiresGrad');
  return `tensor(${body}, ${extra.join(', ')})`;
}

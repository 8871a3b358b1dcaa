// Validation loss in nats/token over windows of a token file, without gradients. With no token
// cap every token after the first is scored once (windows tile the file), which matches the
// bigram baseline's (previous, next) pairs exactly.
import { crossEntropy, noGrad, tensor } from '../tensor/index.ts';
import type { TokenFile } from '../data/index.ts';
import { check } from '../util/errors.ts';
import type { LanguageModel } from './types.ts';

export interface EvalOptions {
  readonly seqLen: number;
  readonly batchSize: number;
  /** Score about this many targets from evenly spaced windows; 0 or absent scores the whole file. */
  readonly maxTokens?: number;
  /** Score only the first this-many targets, tiled (overrides maxTokens); 0 or absent: all. */
  readonly prefixTokens?: number;
}

/** Window starts: tiling [0, N-1) when uncapped, else evenly spaced full windows. */
export function evalWindows(n: number, seqLen: number, maxTokens = 0): { start: number; len: number }[] {
  check(n >= 2, 'evaluate', `need at least 2 tokens, got ${n}`);
  const targets = n - 1;
  if (!maxTokens || maxTokens >= targets) {
    const out: { start: number; len: number }[] = [];
    for (let s = 0; s < targets; s += seqLen) out.push({ start: s, len: Math.min(seqLen, targets - s) });
    return out;
  }
  const len = Math.min(seqLen, targets);
  const count = Math.max(1, Math.ceil(maxTokens / len));
  const span = targets - len;
  return Array.from({ length: count }, (_, k) => ({ start: count === 1 ? 0 : Math.floor((k * span) / (count - 1)), len }));
}

export function evaluateLoss(model: LanguageModel, file: TokenFile, opts: EvalOptions): { loss: number; tokens: number } {
  const n = opts.prefixTokens ? Math.min(file.length, opts.prefixTokens + 1) : file.length;
  const windows = evalWindows(n, opts.seqLen, opts.prefixTokens ? 0 : opts.maxTokens);
  model.eval?.();
  let nll = 0;
  let count = 0;
  noGrad(() => {
    for (let i = 0; i < windows.length;) {
      // Batch windows of equal length together (only the last tiling window can be shorter).
      const len = windows[i]!.len;
      let j = i;
      while (j < windows.length && j - i < opts.batchSize && windows[j]!.len === len) j++;
      const B = j - i;
      const buf = new Int32Array(B * (len + 1));
      for (let r = 0; r < B; r++) file.read(windows[i + r]!.start, buf.subarray(r * (len + 1), (r + 1) * (len + 1)));
      const x = new Int32Array(B * len);
      const y = new Int32Array(B * len);
      for (let r = 0; r < B; r++) {
        x.set(buf.subarray(r * (len + 1), r * (len + 1) + len), r * len);
        y.set(buf.subarray(r * (len + 1) + 1, (r + 1) * (len + 1)), r * len);
      }
      const logits = model.forward(tensor(x, [B, len])); // (B, T, V)
      nll += crossEntropy(logits, tensor(y, [B, len]), { reduction: 'sum' }).item();
      count += B * len;
      i = j;
    }
  });
  model.train?.(true);
  return { loss: nll / count, tokens: count };
}

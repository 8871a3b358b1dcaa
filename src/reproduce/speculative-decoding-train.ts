// Trains a decoder on a token stream with AdamW (random windows, seeded): enough to make the
// generation fixtures and the reproduction's target and draft models in a few minutes.
import { kernel, tensor } from '../tensor/index.ts';
import { Rng } from '../util/rng.ts';
import type { DecoderLM } from '../models/index.ts';

export interface TrainDecoderOptions {
  readonly steps?: number;
  /** Stop after this many seconds even if steps remain. */
  readonly seconds?: number;
  readonly batchSize?: number;
  readonly seqLen?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** Called after every step with the fraction of the budget (steps or seconds) used. */
  readonly onStep?: (step: number, loss: number, done: number) => void;
}

/** Returns the losses of every step. */
export function trainDecoder(model: DecoderLM, tokens: ArrayLike<number>, o: TrainDecoderOptions = {}): number[] {
  const steps = o.steps ?? 100;
  const b = o.batchSize ?? 8;
  const t = Math.min(o.seqLen ?? model.config.maxSeqLen, model.config.maxSeqLen);
  const lr = o.lr ?? 3e-3;
  const rng = new Rng(o.seed ?? 0);
  const params = model.parameters();
  model.train();
  const moments = params.map((p) => [new Float32Array(p.numel), new Float32Array(p.numel)]);
  const adamw = kernel('adamw');
  const losses: number[] = [];
  const t0 = Date.now();
  // The cosine runs over whichever budget is used up first, so a time-capped run still decays.
  const used = (step: number): number => Math.max(step / steps, o.seconds !== undefined ? (Date.now() - t0) / 1000 / o.seconds : 0);
  for (let step = 1; step <= steps; step++) {
    if (used(step - 1) >= 1) break;
    const x = new Int32Array(b * t);
    const y = new Int32Array(b * t);
    for (let r = 0; r < b; r++) {
      const s = rng.int(tokens.length - t - 1);
      for (let j = 0; j < t; j++) { x[r * t + j] = tokens[s + j]; y[r * t + j] = tokens[s + j + 1]; }
    }
    for (const p of params) p.zeroGrad();
    const loss = model.loss(tensor(x, [b, t]), tensor(y, [b, t]));
    loss.backward();
    const rate = lr * Math.min(1, step / 20) * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, used(step)))));
    params.forEach((p, i) => {
      const g = p.grad!.contiguous().buffer() as Float32Array;
      adamw(p.data as Float32Array, g, moments[i][0], moments[i][1], { lr: rate, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: p.ndim > 1 ? 0.01 : 0, step });
    });
    losses.push(loss.item());
    o.onStep?.(step, losses[losses.length - 1], Math.min(1, used(step)));
  }
  model.eval();
  return losses;
}

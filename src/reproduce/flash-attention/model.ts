// F-8: the default GPT (configs/default.yaml of the training job: dim 128, 4 layers, 4 heads,
// context 64, vocabulary 8192, batch 8, AdamW with the job's linear warmup to 5e-3 over 100 steps
// and gradient clipping at 1) trained for a number of steps with
// fused and with naive (matmul) attention from the same seed on the same seeded token batches.
import * as T from '../../tensor/index.ts';
import { createModel } from '../../models/index.ts';
import { AdamW, clipGradNorm } from '../../nn/index.ts';
import { Rng } from '../../util/rng.ts';

export const DEFAULT_GPT = { modelType: 'gpt', vocabSize: 8192, dim: 128, nLayers: 4, nHeads: 4, maxSeqLen: 64, dropout: 0, seed: 1337 } as const;

export function trainLosses(attention: 'fused' | 'matmul', steps: number): number[] {
  const model = createModel({ ...DEFAULT_GPT, attention });
  const opt = new AdamW(model.parameters(), { lr: 5e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.95 });
  const rng = new Rng(7);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    // A skewed token distribution gives the model something to learn in 50 steps.
    const ids = T.tensor(Int32Array.from({ length: 8 * 65 }, () => Math.floor(DEFAULT_GPT.vocabSize * rng.uniform() ** 3)), [8, 65], { dtype: 'i32' });
    const x = ids.slice(1, 0, 64).contiguous();
    const y = ids.slice(1, 1, 65).contiguous();
    const logits = model.forward(x); // (B, T, V)
    const loss = T.crossEntropy(logits.reshape(8 * 64, DEFAULT_GPT.vocabSize), y.reshape(8 * 64));
    opt.zeroGrad();
    loss.backward();
    clipGradNorm(model.parameters(), 1);
    opt.setLr((5e-3 * (s + 1)) / 100);
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

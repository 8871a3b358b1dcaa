// The training loop: batches from a resumable sampler, forward + cross-entropy + backward,
// optional clipping, an optimizer step at the scheduled learning rate; periodic validation,
// metrics and atomic checkpoints that hold everything needed to continue bitwise-exactly.
import { BatchSampler, type SamplerState, type TokenFile } from '../data/index.ts';
import { crossEntropy, defaultRng, tensor, type Parameter, type Tensor } from '../tensor/index.ts';
import { Rng, type RngState } from '../util/rng.ts';
import { check } from '../util/errors.ts';
import { loadLatestCheckpoint, saveCheckpoint, type CheckpointData } from './checkpoint.ts';
import { evaluateLoss } from './evaluate.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { MetricsLog, type RunPaths } from './run-dir.ts';
import type { LanguageModel, TrainOptimizer } from './types.ts';

export interface TrainLoopOptions {
  readonly steps: number;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly seed: number;
  readonly lrAt: (step: number) => number;
  /** Clips gradients in place and returns the norm before clipping. */
  readonly clip?: (params: Parameter[]) => number;
  readonly evalEvery: number;
  readonly evalTokens: number;
  readonly checkpointEvery: number;
  readonly keepCheckpoints: number;
  readonly logEvery: number;
}

export interface TrainerParts {
  readonly model: LanguageModel;
  readonly optimizer: TrainOptimizer;
  readonly train: TokenFile;
  readonly val: TokenFile;
  readonly run: RunPaths;
  readonly progress?: ProgressStream;
}

export interface TrainResult {
  readonly startStep: number;
  readonly step: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly tokensPerSec: number;
  readonly seconds: number;
  readonly stopped: boolean;
}

/** Generators owned by modules (dropout), by the name of the first module holding each one. */
export function moduleRngs(model: LanguageModel): Map<string, Rng> {
  const out = new Map<string, Rng>();
  const seen = new Set<Rng>();
  for (const [name, m] of model.namedModules?.() ?? []) {
    const rng = (m as { rng?: unknown }).rng;
    if (rng instanceof Rng && !seen.has(rng)) { seen.add(rng); out.set(name || '(root)', rng); }
  }
  return out;
}

export function captureState(parts: TrainerParts, sampler: BatchSampler, step: number): CheckpointData {
  const tensors: Record<string, Float32Array> = {};
  for (const [name, p] of parts.model.namedParameters()) tensors[`model.${name}`] = p.buffer() as Float32Array;
  const opt = parts.optimizer.stateDict();
  for (const [name, t] of Object.entries(opt.tensors)) tensors[`optim.${name}`] = t.contiguous().buffer() as Float32Array;
  const rngs: Record<string, RngState> = { global: defaultRng().getState() };
  for (const [name, r] of moduleRngs(parts.model)) rngs[`module:${name}`] = r.getState();
  return {
    step, tensors,
    meta: JSON.parse(JSON.stringify({ sampler: sampler.state(), rng: rngs, optimizer: opt.meta ?? null })) as CheckpointData['meta'],
  };
}

export function restoreState(parts: TrainerParts, sampler: BatchSampler, ck: CheckpointData): void {
  for (const [name, p] of parts.model.namedParameters()) {
    const src = ck.tensors[`model.${name}`];
    check(src !== undefined, 'resume', `checkpoint has no tensor 'model.${name}'`);
    const dst = p.buffer() as Float32Array;
    check(src.length === dst.length, 'resume', `'model.${name}' has ${src.length} values in the checkpoint, the model needs ${dst.length}`);
    dst.set(src);
  }
  const optTensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(ck.tensors)) if (k.startsWith('optim.')) optTensors[k.slice(6)] = tensor(v.slice(), [v.length]);
  parts.optimizer.loadStateDict({ tensors: optTensors, meta: ck.meta.optimizer });
  sampler.restore(ck.meta.sampler as unknown as SamplerState);
  const rngs = ck.meta.rng as unknown as Record<string, RngState>;
  defaultRng().setState(rngs.global!);
  for (const [name, r] of moduleRngs(parts.model)) {
    const st = rngs[`module:${name}`];
    check(st !== undefined, 'resume', `checkpoint has no state for the generator of module '${name}'`);
    r.setState(st);
  }
}

/** Splits a (B, T+1) window batch into inputs (B, T) and targets (B, T). */
export function splitBatch(tokens: Int32Array, B: number, T: number): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let r = 0; r < B; r++) {
    x.set(tokens.subarray(r * (T + 1), r * (T + 1) + T), r * T);
    y.set(tokens.subarray(r * (T + 1) + 1, (r + 1) * (T + 1)), r * T);
  }
  return { x, y };
}

/**
 * Trains to `opts.steps`, resuming from the run's newest checkpoint when there is one.
 * `shouldStop` is polled after each step (SIGINT); a stop writes a checkpoint first.
 */
export function trainLoop(parts: TrainerParts, opts: TrainLoopOptions, shouldStop: () => boolean = () => false): TrainResult {
  const { model, optimizer, run } = parts;
  const sampler = new BatchSampler(parts.train, opts.batchSize, opts.seqLen, { seed: opts.seed, step: 0 });
  const metrics = new MetricsLog(run.metrics);
  const params = [...model.namedParameters()].map(([, p]) => p);
  let step = 0;
  const latest = loadLatestCheckpoint(run.checkpoints);
  if (latest) {
    restoreState(parts, sampler, latest.data);
    step = latest.data.step;
  }
  metrics.truncateAfter(step);
  const startStep = step;
  const progress = new Progress(opts.steps, startStep, parts.progress ?? process.stderr, opts.logEvery);
  if (latest) progress.note(`resumed from ${latest.path} at step ${step}`);
  const save = (): void => { saveCheckpoint(run.checkpoints, captureState(parts, sampler, step), opts.keepCheckpoints); };
  const validate = (): number => {
    const { loss } = evaluateLoss(model, parts.val, { seqLen: opts.seqLen, batchSize: opts.batchSize, maxTokens: opts.evalTokens });
    metrics.append({ step, kind: 'val', loss });
    progress.note(`step ${step}: val loss ${loss.toFixed(4)}`);
    return loss;
  };

  const t0 = performance.now();
  let trainLoss = Number.NaN;
  let valLoss = Number.NaN;
  let rate = 0;
  let stopped = false;
  model.train?.(true);
  while (step < opts.steps) {
    const ts = performance.now();
    const batch = sampler.next();
    const { x, y } = splitBatch(batch.tokens, opts.batchSize, opts.seqLen);
    const logits = model.forward(tensor(x, [opts.batchSize, opts.seqLen])); // (B, T, V)
    const loss = crossEntropy(logits, tensor(y, [opts.batchSize, opts.seqLen]));
    loss.backward();
    const gradNorm = opts.clip ? opts.clip(params) : Number.NaN;
    const lr = opts.lrAt(step);
    optimizer.setLr(lr);
    optimizer.step();
    optimizer.zeroGrad();
    step++;
    trainLoss = loss.item();
    check(Number.isFinite(trainLoss), 'train', `loss became ${trainLoss} at step ${step}; lower train.lr or enable train.gradClip`);
    const secs = (performance.now() - ts) / 1000;
    const tps = (opts.batchSize * opts.seqLen) / secs;
    rate = rate === 0 ? tps : 0.9 * rate + 0.1 * tps;
    const rec = { step, kind: 'train', loss: trainLoss, lr, tokensPerSec: tps, seconds: secs };
    metrics.append(Number.isNaN(gradNorm) ? rec : { ...rec, gradNorm });
    progress.update({ step, loss: trainLoss, tokensPerSec: rate, lr });
    if (opts.evalEvery > 0 && (step % opts.evalEvery === 0 || step === opts.steps)) {
      valLoss = validate();
      model.train?.(true);
    }
    stopped = step < opts.steps && shouldStop();
    if (step % opts.checkpointEvery === 0 || step === opts.steps || stopped) save();
    if (stopped) break;
  }
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  const doneTokens = (step - startStep) * opts.batchSize * opts.seqLen;
  return { startStep, step, trainLoss, valLoss, tokensPerSec: seconds > 0 ? doneTokens / seconds : 0, seconds, stopped };
}

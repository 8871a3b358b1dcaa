// The training job behind `tessera train` / `npm start`: data (cached BPE + packed tokens), model,
// AdamW, the loop, a final validation next to the bigram baseline, samples, the loss plot and a
// report in the run folder.
import { existsSync } from 'node:fs';
import { BigramCounts, TokenFile, bigramLabel, tuneBigram, tunedBigramLoss, type TunedBigram } from '../data/index.ts';
import { createModel, type DecoderLM } from '../models/index.ts';
import { AdamW, clipGradNorm, decayGroups, warmupCosine } from '../nn/index.ts';
import { getBackend } from '../tensor/index.ts';
import { check } from '../util/errors.ts';
import { writeFileAtomic } from '../util/fs.ts';
import type { TrainConfig } from './config.ts';
import { evaluateLoss } from './evaluate.ts';
import { lossPlotSvg } from './loss-plot.ts';
import { EOT, prepareRunData, type RunData } from './prepare.ts';
import { MetricsLog, createRun, newRunId, runPaths, type RunPaths } from './run-dir.ts';
import { sampleTokens } from './sample.ts';
import { trainLoop, type TrainResult } from './trainer.ts';

export interface JobReport {
  readonly runId: string;
  readonly runDir: string;
  readonly backend: string;
  readonly parameters: number;
  readonly steps: number;
  readonly trainTokens: number;
  readonly tokensPerSec: number;
  readonly trainSeconds: number;
  readonly wallSeconds: number;
  readonly valLoss: number;
  /** The baseline: the bigram whose smoothing was chosen on a held-out slice of the train tokens. */
  readonly bigramLoss: number;
  /** Which bigram that is, e.g. "Kneser-Ney bigram, d=0.75". */
  readonly bigram: string;
  /** Add-one bigram on the same tokens (the weak baseline of earlier reports), for context. */
  readonly bigramAddOneLoss: number;
  readonly evalTokens: number;
  readonly samples: { prompt: string; text: string }[];
}

export function buildModel(cfg: TrainConfig, vocabSize: number, eosTokenId?: number): DecoderLM {
  check(cfg.train.seqLen <= cfg.model.maxSeqLen, 'train', `train.seqLen ${cfg.train.seqLen} must be <= model.maxSeqLen ${cfg.model.maxSeqLen}`);
  return createModel({ ...cfg.model, vocabSize, eosTokenId });
}

export function buildOptimizer(model: DecoderLM, cfg: TrainConfig): AdamW {
  const t = cfg.train;
  return new AdamW(decayGroups(model, t.weightDecay), { lr: t.lr, beta1: t.beta1, beta2: t.beta2 });
}

export interface BaselineEval {
  readonly loss: number;
  /** Loss of the tuned bigram fitted on all training tokens. */
  readonly bigram: number;
  /** Its smoothing, chosen on the held-out end of the training tokens (see tuneBigram). */
  readonly bigramModel: TunedBigram;
  /** Add-one bigram, for context. */
  readonly bigramAddOne: number;
  readonly tokens: number;
}

/** Validation loss of the model and of the tuned and add-one bigrams on the same first `tokens` targets. */
export function evalWithBaseline(model: DecoderLM, data: RunData, seqLen: number, batchSize: number, tokens: number): BaselineEval {
  const val = new TokenFile(data.valPath);
  const train = new TokenFile(data.trainPath);
  try {
    const r = evaluateLoss(model, val, { seqLen, batchSize, prefixTokens: tokens });
    const [tr, va] = [train.readAll(), val.readAll().subarray(0, r.tokens + 1)];
    const vocabSize = data.tokenizer.vocabSize;
    const bigramModel = tuneBigram(tr, { vocabSize }).best;
    const counts = new BigramCounts(tr, vocabSize);
    return {
      loss: r.loss, bigram: tunedBigramLoss(counts, va, vocabSize, bigramModel), bigramModel,
      bigramAddOne: tunedBigramLoss(counts, va, vocabSize, { smoothing: 'add-k', constant: 1 }), tokens: r.tokens,
    };
  } finally {
    val.close();
    train.close();
  }
}

export function writeLossPlot(paths: RunPaths, bigram?: number): void {
  const recs = new MetricsLog(paths.metrics).read();
  const pts = (kind: string) => recs.filter((r) => r.kind === kind).map((r) => [r.step, Number(r.loss)] as const);
  const train = pts('train');
  const series = [{ name: 'train', color: '#4a78c2', points: train }, { name: 'validation', color: '#d0542b', points: pts('val'), dots: true }];
  if (bigram !== undefined && train.length) series.push({ name: `bigram ${bigram.toFixed(3)}`, color: '#888', points: [[0, bigram], [train.at(-1)![0], bigram]] });
  writeFileAtomic(paths.plot, lossPlotSvg(series, `run ${paths.id}: loss (nats/token)`));
}

export function generateSamples(model: DecoderLM, data: RunData, cfg: TrainConfig): { prompt: string; text: string }[] {
  const eot = data.tokenizer.specialId(EOT);
  const prompts = Array.from({ length: cfg.sample.count }, (_, i) => cfg.sample.prompts[i % Math.max(1, cfg.sample.prompts.length)] ?? '\n');
  if (!prompts.length) return [];
  const outs = sampleTokens(model, prompts.map((p) => data.tokenizer.encode(p)), {
    maxTokens: cfg.sample.maxTokens, temperature: cfg.sample.temperature, topK: cfg.sample.topK, seed: cfg.sample.seed, stopId: eot,
  });
  return prompts.map((prompt, i) => ({ prompt, text: prompt + data.tokenizer.decode(outs[i]!) }));
}

export interface JobOptions {
  /** Continue the run named by cfg.run.id from its newest checkpoint. */
  readonly resume?: boolean;
  readonly log?: (msg: string) => void;
}

export function runTrainingJob(cfgIn: TrainConfig, opts: JobOptions = {}): JobReport {
  const wall0 = performance.now();
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const cfg: TrainConfig = { ...cfgIn, run: { ...cfgIn.run, id: cfgIn.run.id || newRunId() } };
  const paths = runPaths(cfg.run.dir, cfg.run.id);
  check(opts.resume || !existsSync(paths.config), 'train', `run '${cfg.run.id}' already exists in ${cfg.run.dir}; pass --resume to continue it or choose another run.id`);
  const data = prepareRunData(cfg.data, log);
  createRun(paths, cfg);
  const model = buildModel(cfg, data.tokenizer.vocabSize, data.tokenizer.specialId(EOT));
  const optimizer = buildOptimizer(model, cfg);
  const t = cfg.train;
  log(`train: run ${paths.dir} | ${cfg.model.modelType} ${model.numParameters().toLocaleString('en-US')} parameters | backend ${getBackend()} | ${t.steps} steps of ${t.batchSize}x${t.seqLen} tokens`);
  const train = new TokenFile(data.trainPath);
  const val = new TokenFile(data.valPath);
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    log('\ntrain: stopping after this step (checkpoint follows); Ctrl-C again to quit at once');
  };
  process.on('SIGINT', onSigint);
  let result: TrainResult;
  try {
    result = trainLoop({ model, optimizer, train, val, run: paths }, {
      steps: t.steps, batchSize: t.batchSize, seqLen: t.seqLen, seed: t.seed,
      lrAt: warmupCosine({ maxLr: t.lr, minLr: t.minLr, warmupSteps: t.warmupSteps, decaySteps: Math.max(t.steps, t.warmupSteps) }),
      clip: t.gradClip > 0 ? (ps) => clipGradNorm(ps, t.gradClip) : undefined,
      evalEvery: t.evalEvery, evalTokens: t.evalTokens, checkpointEvery: t.checkpointEvery,
      keepCheckpoints: t.keepCheckpoints, logEvery: t.logEvery,
    }, () => stop);
  } finally {
    process.off('SIGINT', onSigint);
    train.close();
    val.close();
  }
  const ev = evalWithBaseline(model, data, t.seqLen, t.batchSize, t.finalEvalTokens);
  log(`eval: validation loss ${ev.loss.toFixed(4)} nats/token vs ${ev.bigram.toFixed(4)} for the ${bigramLabel(ev.bigramModel)} (smoothing chosen on held-out train tokens; add-one bigram ${ev.bigramAddOne.toFixed(4)}) on the same ${ev.tokens} tokens`);
  writeLossPlot(paths, ev.bigram);
  const samples = result.stopped ? [] : generateSamples(model, data, cfg);
  if (samples.length) writeFileAtomic(paths.samples, samples.map((s, i) => `--- sample ${i + 1} (prompt: ${JSON.stringify(s.prompt)})\n${s.text}\n`).join('\n'));
  const report: JobReport = {
    runId: paths.id, runDir: paths.dir, backend: getBackend(), parameters: model.numParameters(), steps: result.step,
    trainTokens: result.step * t.batchSize * t.seqLen, tokensPerSec: result.tokensPerSec, trainSeconds: result.seconds,
    wallSeconds: (performance.now() - wall0) / 1000, valLoss: ev.loss, bigramLoss: ev.bigram, bigram: bigramLabel(ev.bigramModel), bigramAddOneLoss: ev.bigramAddOne, evalTokens: ev.tokens, samples,
  };
  writeFileAtomic(`${paths.dir}/report.json`, JSON.stringify(report, null, 2) + '\n');
  return report;
}

// train: the trainer loop, checkpoints (atomic, resumable), run folders, metrics, progress, the
// training job behind `tessera train`, evaluation against the bigram baseline, samples.
export { trainLoop, splitBatch, captureState, restoreState, moduleRngs } from './trainer.ts';
export type { TrainLoopOptions, TrainerParts, TrainResult } from './trainer.ts';
export { saveCheckpoint, loadCheckpoint, loadLatestCheckpoint, listCheckpoints, checkpointPath, encodeCheckpoint, decodeCheckpoint } from './checkpoint.ts';
export type { CheckpointData } from './checkpoint.ts';
export { MetricsLog, createRun, newRunId, runPaths, readRunConfig } from './run-dir.ts';
export type { RunPaths, MetricRecord } from './run-dir.ts';
export { Progress, formatDuration } from './progress.ts';
export type { ProgressStream, ProgressUpdate } from './progress.ts';
export { lossPlotSvg, niceTicks } from './loss-plot.ts';
export { evaluateLoss, evalWindows } from './evaluate.ts';
export type { EvalOptions } from './evaluate.ts';
export { sampleTokens } from './sample.ts';
export type { SampleOptions } from './sample.ts';
export { prepareRunData, dataKey, EOT } from './prepare.ts';
export type { DataSpec, RunData } from './prepare.ts';
export { trainConfigSchema, defaultTrainConfig } from './config.ts';
export type { TrainConfig } from './config.ts';
export { runTrainingJob, buildModel, buildOptimizer, evalWithBaseline, generateSamples, writeLossPlot } from './job.ts';
export type { JobReport, JobOptions, BaselineEval } from './job.ts';
export { loadRun, latestRunId, runConfig } from './run-load.ts';
export type { LoadedRun } from './run-load.ts';
export type { LanguageModel, TrainOptimizer, OptimizerStateDict } from './types.ts';

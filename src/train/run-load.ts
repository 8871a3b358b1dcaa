// Finding a run and rebuilding its trained model (for generate, eval and resume).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DecoderLM } from '../models/index.ts';
import { applyOverrides, validateConfig, type ConfigObject } from '../util/config.ts';
import { check, fail } from '../util/errors.ts';
import { loadLatestCheckpoint } from './checkpoint.ts';
import { trainConfigSchema, type TrainConfig } from './config.ts';
import { buildModel } from './job.ts';
import { EOT, prepareRunData, type RunData } from './prepare.ts';
import { readRunConfig, runPaths, type RunPaths } from './run-dir.ts';

/** The most recently modified run folder (one holding config.json) under `root`. */
export function latestRunId(root: string): string {
  const runs = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'config.json'))) : [];
  if (runs.length === 0) fail('run', `no runs in '${root}'; train one with 'tessera train'`);
  const mtime = (d: string): number => Math.max(...['config.json', 'metrics.jsonl'].map((f) => statSync(join(root, d, f), { throwIfNoEntry: false })?.mtimeMs ?? 0));
  return runs.sort((a, b) => mtime(a) - mtime(b) || a.localeCompare(b)).at(-1)!;
}

/** A run's saved config, with overrides applied, validated. */
export function runConfig(paths: RunPaths, overrides: readonly string[] = []): TrainConfig {
  const saved = readRunConfig(paths);
  check(typeof saved === 'object' && saved !== null, 'run', `${paths.config} must hold a config object`);
  return validateConfig(trainConfigSchema, applyOverrides(saved as ConfigObject, overrides), paths.config);
}

export interface LoadedRun {
  readonly paths: RunPaths;
  readonly config: TrainConfig;
  readonly data: RunData;
  readonly model: DecoderLM;
  readonly step: number;
}

/** Rebuilds the model of run `id` (or the latest) with its newest checkpoint's weights. */
export function loadRun(root: string, id?: string, log?: (m: string) => void): LoadedRun {
  const paths = runPaths(root, id || latestRunId(root));
  const config = runConfig(paths);
  const data = prepareRunData(config.data, log);
  const model = buildModel(config, data.tokenizer.vocabSize, data.tokenizer.specialId(EOT));
  const ck = loadLatestCheckpoint(paths.checkpoints) ?? fail('run', `run '${paths.id}' has no checkpoint in ${paths.checkpoints}`);
  for (const [name, p] of model.namedParameters()) {
    const src = ck.data.tensors[`model.${name}`] ?? fail('run', `${ck.path} has no tensor 'model.${name}'`);
    check(src.length === p.numel, 'run', `'model.${name}' has ${src.length} values in ${ck.path}; the model needs ${p.numel}`);
    (p.buffer() as Float32Array).set(src);
  }
  model.eval();
  return { paths, config, data, model, step: ck.data.step };
}

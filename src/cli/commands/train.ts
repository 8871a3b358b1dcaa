import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { registerDefaultBackends } from '../../backends/register.ts';
import { defaultTrainConfig, latestRunId, runConfig, runPaths, runTrainingJob, trainConfigSchema, type JobReport } from '../../train/index.ts';
import { extractOverrides, loadConfig } from '../../util/config.ts';
import { fail } from '../../util/errors.ts';

const help = `Usage: tessera train [--config FILE] [--set key=value ...] [--resume [RUN_ID]]

Trains a language model: trains (or reuses) the BPE tokenizer, packs the corpus, trains with
AdamW, shows progress on stderr, validates periodically, checkpoints atomically, then prints the
validation loss next to a bigram baseline on the same tokens, and samples. Everything lands in
runs/<id>/ (config.json, metrics.jsonl, checkpoints/, loss.svg, samples.txt, report.json).

Options:
  --config FILE        JSON or YAML config; fields not given keep their defaults
                       (configs/default.yaml lists every field)
  --set key=value      override one field, e.g. --set train.steps=500 (repeatable);
                       --train.steps=500 is the same
  --resume [RUN_ID]    continue a run (the latest one when no id is given) from its newest
                       checkpoint; overrides apply on top of its saved config
  --json               print the final report as JSON on stdout
  -h, --help           show this help

Ctrl-C stops after the current step and writes a checkpoint; --resume continues exactly.`;

function printReport(r: JobReport, json: boolean): void {
  if (json) { console.log(JSON.stringify(r, null, 2)); return; }
  const lines = [
    `run ${r.runId} (${r.runDir}): ${r.steps} steps, ${r.trainTokens.toLocaleString('en-US')} tokens, ${r.tokensPerSec.toFixed(0)} tokens/s on ${r.backend}, wall ${r.wallSeconds.toFixed(0)} s`,
    `validation loss ${r.valLoss.toFixed(4)} nats/token | baseline ${r.bigram} ${r.bigramLoss.toFixed(4)} | margin ${(r.bigramLoss - r.valLoss).toFixed(4)} | add-one bigram ${r.bigramAddOneLoss.toFixed(4)} (${r.evalTokens} tokens)`,
    ...r.samples.map((s, i) => `\n--- sample ${i + 1}\n${s.text}`),
  ];
  console.log(lines.join('\n'));
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a language model (the default: a small GPT on State of the Union)',
  help,
  async run(argv) {
    const { overrides, rest } = extractOverrides(argv);
    // --resume takes an optional id, which parseArgs cannot express: pull it out first.
    let resume: string | null = null;
    const args: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--resume') resume = rest[i + 1] && !rest[i + 1]!.startsWith('-') ? rest[++i]! : '';
      else if (a.startsWith('--resume=')) resume = a.slice(9);
      else args.push(a);
    }
    const { values, positionals } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length) fail('train', `unexpected argument '${positionals[0]}'; see tessera train --help`);
    registerDefaultBackends();
    let report: JobReport;
    if (resume !== null) {
      if (values.config) fail('train', '--config cannot be combined with --resume (the run keeps its saved config; use --set to change fields)');
      const base = loadConfig(trainConfigSchema, { defaults: defaultTrainConfig, overrides: overrides.filter((o) => o.startsWith('run.')) });
      const id = resume || latestRunId(base.run.dir);
      const config = runConfig(runPaths(base.run.dir, id), overrides);
      report = runTrainingJob({ ...config, run: { ...config.run, id } }, { resume: true });
    } else {
      report = runTrainingJob(loadConfig(trainConfigSchema, { defaults: defaultTrainConfig, file: values.config, overrides }));
    }
    printReport(report, values.json ?? false);
    return 0;
  },
};

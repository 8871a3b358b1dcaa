import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { registerDefaultBackends } from '../../backends/register.ts';
import { EOT, loadRun, sampleTokens } from '../../train/index.ts';
import { check } from '../../util/errors.ts';

const help = `Usage: tessera generate [--run RUN_ID] [--prompt TEXT] [options]

Continues a prompt with the newest checkpoint of a training run (KV-cached decoding with the
generation layer's sampler: greedy at temperature 0, otherwise sampling). Generation stops at the
model's context length.

Options:
  --run RUN_ID         run folder name under --runs-dir (default: the latest run)
  --runs-dir DIR       where runs live (default runs)
  --prompt TEXT        text to continue (default: the run's first sample prompt)
  --max-tokens N       tokens to generate (default 100)
  --temperature T      0 for greedy (default 0.8)
  --top-k K            sample among the K most likely tokens; 0 for all (default 40)
  --count N            number of samples (default 1)
  --seed S             sampling seed; sample i uses S + i (default 0)
  -h, --help           show this help`;

const num = (v: string | undefined, name: string, dflt: number, int = true): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  check(Number.isFinite(n) && (!int || Number.isInteger(n)) && n >= 0, 'generate', `--${name} must be a non-negative ${int ? 'integer' : 'number'}, got '${v}'`);
  return n;
};

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate text from a trained run',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        run: { type: 'string' }, 'runs-dir': { type: 'string' }, prompt: { type: 'string' }, 'max-tokens': { type: 'string' },
        temperature: { type: 'string' }, 'top-k': { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' },
      },
    });
    registerDefaultBackends();
    const run = loadRun(values['runs-dir'] ?? 'runs', values.run);
    const tok = run.data.tokenizer;
    const prompt = values.prompt ?? run.config.sample.prompts[0] ?? '\n';
    const count = num(values.count, 'count', 1);
    check(count > 0, 'generate', `--count must be at least 1, got ${count}`);
    process.stderr.write(`generate: run ${run.paths.id}, checkpoint step ${run.step}\n`);
    const outs = sampleTokens(run.model, Array.from({ length: count }, () => tok.encode(prompt)), {
      maxTokens: num(values['max-tokens'], 'max-tokens', 100), temperature: num(values.temperature, 'temperature', 0.8, false),
      topK: num(values['top-k'], 'top-k', 40), seed: num(values.seed, 'seed', 0), stopId: tok.specialId(EOT),
    });
    outs.forEach((ids, i) => console.log(`${i > 0 ? '\n' : ''}${prompt}${tok.decode(ids)}`));
    return 0;
  },
};

import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { registerDefaultBackends } from '../../backends/register.ts';
import { bigramLabel } from '../../data/index.ts';
import { evalWithBaseline, loadRun } from '../../train/index.ts';
import { check } from '../../util/errors.ts';

const help = `Usage: tessera eval [--run RUN_ID] [--tokens N] [--json]

Scores a run's newest checkpoint on its validation tokens: the model's loss in nats per token,
and bigram baselines fitted on the run's training tokens, on exactly the same tokens: the
baseline, whose smoothing (add-k or interpolated Kneser-Ney, and its constant) is chosen on the
held-out last tenth of the training tokens, and the add-one bigram for context.

Options:
  --run RUN_ID         run folder name under --runs-dir (default: the latest run)
  --runs-dir DIR       where runs live (default runs)
  --tokens N           score the first N validation tokens; 0 for all (default: all)
  --batch-size B       windows per forward pass (default: the run's train.batchSize)
  --json               print the result as JSON
  -h, --help           show this help`;

export const evalCommand: Command = {
  name: 'eval',
  summary: 'validation loss of a trained run next to the bigram baseline',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { run: { type: 'string' }, 'runs-dir': { type: 'string' }, tokens: { type: 'string' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' } },
    });
    const tokens = Number(values.tokens ?? 0);
    check(Number.isInteger(tokens) && tokens >= 0, 'eval', `--tokens must be a non-negative integer, got '${values.tokens}'`);
    registerDefaultBackends();
    const run = loadRun(values['runs-dir'] ?? 'runs', values.run);
    const batch = Number(values['batch-size'] ?? run.config.train.batchSize);
    check(Number.isInteger(batch) && batch > 0, 'eval', `--batch-size must be a positive integer, got '${values['batch-size']}'`);
    const r = evalWithBaseline(run.model, run.data, run.config.train.seqLen, batch, tokens);
    const out = { run: run.paths.id, step: run.step, tokens: r.tokens, valLoss: r.loss, bigramLoss: r.bigram, bigram: bigramLabel(r.bigramModel), bigramAddOneLoss: r.bigramAddOne, valPerplexity: Math.exp(r.loss), bigramPerplexity: Math.exp(r.bigram) };
    if (values.json) console.log(JSON.stringify(out, null, 2));
    else {
      console.log(`run ${out.run} at step ${out.step}, ${out.tokens} validation tokens`);
      console.log(`  model  ${r.loss.toFixed(4)} nats/token (perplexity ${out.valPerplexity.toFixed(1)})`);
      console.log(`  bigram ${r.bigram.toFixed(4)} nats/token (perplexity ${out.bigramPerplexity.toFixed(1)}), ${out.bigram} (the baseline)`);
      console.log(`  bigram ${r.bigramAddOne.toFixed(4)} nats/token (perplexity ${Math.exp(r.bigramAddOne).toFixed(1)}), add-one`);
      console.log(`  margin ${(r.bigram - r.loss).toFixed(4)} nats/token below the baseline`);
    }
    return 0;
  },
};

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main.ts';
import { TokenFile, bigramLabel, bigramLoss, loadSotu, tuneBigram, tunedBigramLoss } from '../../src/data/index.ts';
import { MetricsLog, defaultTrainConfig, listCheckpoints, prepareRunData, runConfig, runPaths } from '../../src/train/index.ts';
import { tmp } from './helpers.ts';

/** Runs the CLI in-process; returns exit code and what it printed on stdout. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try {
    return { code: await main(args), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

test('configs/default.yaml lists exactly the built-in defaults', () => {
  const file = parseYaml(readFileSync(new URL('../../configs/default.yaml', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(file, defaultTrainConfig);
});

test('cli: train -> resume -> eval -> generate on a tiny corpus; every command has --help; bad fields are named', async () => {
  const root = tmp('tess-cli-');
  try {
    const corpus = join(root, 'corpus');
    mkdirSync(corpus);
    loadSotu().slice(0, 16).forEach((d, i) => writeFileSync(join(corpus, `${i}.txt`), d.text.slice(0, 2500)));
    const cfgPath = join(root, 'tiny.json');
    writeFileSync(cfgPath, JSON.stringify({
      run: { dir: join(root, 'runs'), id: 'r1' },
      data: { corpus, vocabSize: 300, cacheDir: join(root, 'cache'), valFraction: 0.2 },
      model: { dim: 16, nLayers: 1, nHeads: 2, maxSeqLen: 16 },
      train: { steps: 12, batchSize: 4, seqLen: 16, lr: 0.01, warmupSteps: 2, evalEvery: 6, evalTokens: 64, finalEvalTokens: 200, checkpointEvery: 5, logEvery: 100 },
      sample: { count: 1, maxTokens: 5 },
    }));
    const tr = await cli(['train', '--config', cfgPath, '--json']);
    assert.equal(tr.code, 0);
    const report = JSON.parse(tr.out) as { steps: number; valLoss: number; bigramLoss: number; bigram: string; bigramAddOneLoss: number; evalTokens: number; samples: { text: string }[] };
    assert.equal(report.steps, 12);
    assert.equal(report.evalTokens, 200);
    const paths = runPaths(join(root, 'runs'), 'r1');
    for (const p of [paths.config, paths.plot, paths.samples, join(paths.dir, 'report.json')]) assert.ok(existsSync(p), p);
    assert.deepEqual(listCheckpoints(paths.checkpoints), [10, 12]);
    // The bigram number is the baseline on exactly the scored tokens.
    const cfg = runConfig(paths);
    const data = prepareRunData(cfg.data);
    assert.equal(data.cached, true);
    const [trainF, valF] = [new TokenFile(data.trainPath), new TokenFile(data.valPath)];
    const tuned = tuneBigram(trainF.readAll(), { vocabSize: 300 }).best;
    assert.equal(report.bigram, bigramLabel(tuned));
    assert.equal(report.bigramLoss, tunedBigramLoss(trainF.readAll(), valF.readAll().subarray(0, 201), 300, tuned));
    assert.equal(report.bigramAddOneLoss, bigramLoss(trainF.readAll(), valF.readAll().subarray(0, 201), { vocabSize: 300 }));
    trainF.close();
    valF.close();
    assert.ok(report.samples[0]!.text.startsWith('Fellow citizens'));

    // Resume with more steps continues from the newest checkpoint, keeping one record per step.
    assert.equal((await cli(['train', '--resume', 'r1', '--set', `run.dir=${join(root, 'runs')}`, '--set', 'train.steps=18', '--json'])).code, 0);
    const steps = new MetricsLog(paths.metrics).read().filter((m) => m.kind === 'train').map((m) => m.step);
    assert.deepEqual(steps, Array.from({ length: 18 }, (_, i) => i + 1));

    // eval reloads the checkpoint: same loss as the job's own final evaluation of that state.
    const ev = await cli(['eval', '--runs-dir', join(root, 'runs'), '--run', 'r1', '--tokens', '200', '--json']);
    const after = JSON.parse(readFileSync(join(paths.dir, 'report.json'), 'utf8')) as { valLoss: number; bigramLoss: number };
    const evj = JSON.parse(ev.out) as { step: number; valLoss: number; bigramLoss: number; tokens: number };
    assert.deepEqual([evj.step, evj.tokens, evj.valLoss, evj.bigramLoss], [18, 200, after.valLoss, after.bigramLoss]);

    const g1 = await cli(['generate', '--runs-dir', join(root, 'runs'), '--prompt', 'The Congress', '--temperature', '0', '--max-tokens', '6']);
    const g2 = await cli(['generate', '--runs-dir', join(root, 'runs'), '--prompt', 'The Congress', '--temperature', '0', '--max-tokens', '6']);
    assert.equal(g1.code, 0);
    assert.ok(g1.out.startsWith('The Congress') && g1.out.length > 'The Congress'.length);
    assert.equal(g1.out, g2.out, 'greedy decoding is deterministic');

    for (const c of ['train', 'generate', 'eval']) {
      const h = await cli([c, '--help']);
      assert.equal(h.code, 0);
      assert.match(h.out, new RegExp(`^Usage: tessera ${c}`));
    }
    const errs: string[] = [];
    const err = console.error;
    console.error = (...a: unknown[]) => { errs.push(a.join(' ')); };
    try {
      assert.equal((await cli(['train', '--config', cfgPath, '--set', 'train.steps=-1', '--set', 'run.id=r2'])).code, 1);
      assert.equal((await cli(['train', '--config', cfgPath])).code, 1);
    } finally {
      console.error = err;
    }
    assert.match(errs[0]!, /field 'train\.steps': .*got -1/);
    assert.match(errs[1]!, /run 'r1' already exists/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

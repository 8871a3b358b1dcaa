import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint, checkpointPath, listCheckpoints } from '../../src/train/checkpoint.ts';
import { MetricsLog, createRun, runPaths } from '../../src/train/run-dir.ts';
import { trainLoop, type TrainLoopOptions } from '../../src/train/trainer.ts';
import { manualSeed } from '../../src/tensor/index.ts';
import { registerDefaultBackends } from '../../src/backends/register.ts';
import { makeTokenFiles, openFiles, tinyGpt, tinyLoop, tmp } from './helpers.ts';

registerDefaultBackends();
const quiet = { write: (): boolean => true };

function train(root: string, id: string, files: { train: string; val: string }, opts: TrainLoopOptions) {
  manualSeed(99);
  const run = runPaths(root, id);
  createRun(run, {});
  const { model, optimizer } = tinyGpt(32, 3);
  const f = openFiles(files);
  const r = trainLoop({ model, optimizer, ...f, run, progress: quiet }, opts);
  f.train.close();
  f.val.close();
  return { r, model, run };
}

test('trainer: loss falls below uniform, and stop + resume equals an uninterrupted run bitwise', () => {
  const root = tmp('tess-tr-');
  try {
    const files = makeTokenFiles(root, 32);
    const full = train(root, 'full', files, tinyLoop({ steps: 40 }));
    assert.ok(full.r.valLoss < Math.log(32) - 0.5, `val loss ${full.r.valLoss} beats uniform ${Math.log(32)}`);
    // Same run stopped at step 17 (a stop request writes a checkpoint), then resumed to 40.
    let n = 0;
    const part = (() => {
      manualSeed(99);
      const run = runPaths(root, 'split');
      createRun(run, {});
      const { model, optimizer } = tinyGpt(32, 3);
      const f = openFiles(files);
      const r = trainLoop({ model, optimizer, ...f, run, progress: quiet }, tinyLoop({ steps: 40 }), () => ++n === 17);
      f.train.close(); f.val.close();
      return r;
    })();
    assert.equal(part.step, 17);
    assert.equal(part.stopped, true);
    assert.deepEqual(listCheckpoints(join(root, 'split', 'checkpoints')), [10, 17]);
    // A fresh process state (different global seed) must not matter: the checkpoint restores it.
    manualSeed(12345);
    const resumed = train(root, 'split', files, tinyLoop({ steps: 40 }));
    assert.equal(resumed.r.startStep, 17);
    assert.equal(resumed.r.step, 40);
    const a = loadCheckpoint(checkpointPath(join(root, 'full', 'checkpoints'), 40));
    const b = loadCheckpoint(checkpointPath(join(root, 'split', 'checkpoints'), 40));
    assert.deepEqual(Object.keys(a.tensors).sort(), Object.keys(b.tensors).sort());
    for (const k of Object.keys(a.tensors)) assert.deepEqual(b.tensors[k], a.tensors[k], `tensor ${k} differs`);
    assert.deepEqual(b.meta, a.meta);
    // Metrics: one train record per step, val every 10 steps, identical values to the full run.
    const ma = new MetricsLog(full.run.metrics).read();
    const mb = new MetricsLog(resumed.run.metrics).read();
    assert.deepEqual(mb.filter((m) => m.kind === 'train').map((m) => m.step), Array.from({ length: 40 }, (_, i) => i + 1));
    const strip = (ms: typeof ma) => ms.map(({ step, kind, loss }) => ({ step, kind, loss }));
    assert.deepEqual(strip(mb), strip(ma));
    assert.deepEqual(ma.filter((m) => m.kind === 'val').map((m) => m.step), [10, 20, 30, 40]);
    assert.ok(readFileSync(full.run.config, 'utf8').startsWith('{'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

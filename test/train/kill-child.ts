// Child process for the SIGKILL test: trains the tiny model in a run folder, resuming from its
// newest checkpoint. Usage: kill-child.ts <runRoot> <runId> <train.bin> <val.bin> <steps> <checkpointEvery>
import { runPaths, createRun } from '../../src/train/run-dir.ts';
import { trainLoop } from '../../src/train/trainer.ts';
import { manualSeed } from '../../src/tensor/index.ts';
import { registerDefaultBackends } from '../../src/backends/register.ts';
import { openFiles, tinyGpt, tinyLoop } from './helpers.ts';

export function runTiny(root: string, id: string, files: { train: string; val: string }, steps: number, every: number, pace = false): void {
  registerDefaultBackends();
  manualSeed(123);
  const run = runPaths(root, id);
  createRun(run, { test: true });
  const { model, optimizer } = tinyGpt(64, 5);
  // Paces the child (a few ms per step) so a kill lands mid-run even on a fast machine.
  if (pace) {
    const step = optimizer.step.bind(optimizer);
    optimizer.step = () => { step(); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3); };
  }
  const { train, val } = openFiles(files);
  const quiet = { write: (): boolean => true };
  trainLoop({ model, optimizer, train, val, run, progress: quiet },
    tinyLoop({ steps, batchSize: 4, seqLen: 16, checkpointEvery: every, evalEvery: 25, keepCheckpoints: 3 }));
  train.close();
  val.close();
}

if (process.argv[1]?.endsWith('kill-child.ts')) {
  const [root, id, train, val, steps, every] = process.argv.slice(2) as [string, string, string, string, string, string];
  runTiny(root, id, { train, val }, Number(steps), Number(every), true);
}

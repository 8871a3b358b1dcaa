import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointPath, listCheckpoints, loadCheckpoint } from '../../src/train/checkpoint.ts';
import { MetricsLog } from '../../src/train/run-dir.ts';
import { Rng } from '../../src/util/rng.ts';
import { makeTokenFiles, tmp } from './helpers.ts';
import { runTiny } from './kill-child.ts';

const STEPS = 200;
const EVERY = 7;
const child = new URL('./kill-child.ts', import.meta.url).pathname;

function spawnTrainer(root: string, files: { train: string; val: string }) {
  return spawn(process.execPath, ['--import', 'tsx', child, root, 'killed', files.train, files.val, String(STEPS), String(EVERY)], { stdio: 'ignore' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every checkpoint file in the folder decodes and verifies its checksum. */
function assertAllIntact(dir: string): number[] {
  const steps = listCheckpoints(dir);
  for (const s of steps) assert.equal(loadCheckpoint(checkpointPath(dir, s)).step, s);
  return steps;
}

test('SIGKILL at random moments, then resume: no corrupt checkpoint, bitwise the same as an uninterrupted run', async () => {
  const root = tmp('tess-kill-');
  try {
    const files = makeTokenFiles(root, 64, 8000);
    const ckDir = join(root, 'killed', 'checkpoints');
    const rng = new Rng(2024);
    let lastKilledAt = -1;
    for (let round = 0; round < 2; round++) {
      const p = spawnTrainer(root, files);
      const exited = new Promise<NodeJS.Signals | null>((r) => p.on('exit', (_c, sig) => r(sig)));
      // Wait until this process has written a checkpoint past the previous kill, then a random delay.
      const t0 = Date.now();
      while ((listCheckpoints(ckDir).at(-1) ?? -1) <= lastKilledAt && Date.now() - t0 < 60000) await sleep(5);
      await sleep(rng.int(150));
      p.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL', 'the trainer was still running when killed');
      const steps = assertAllIntact(ckDir);
      lastKilledAt = steps.at(-1)!;
      assert.ok(lastKilledAt < STEPS, `killed before the end (latest checkpoint ${lastKilledAt})`);
      // At most the steps since the last checkpoint are lost: metrics past it are dropped on resume.
      assert.ok(lastKilledAt > 0 && lastKilledAt % EVERY === 0);
    }
    // Resume (in this process) to the end, and run the same training uninterrupted.
    runTiny(root, 'killed', files, STEPS, EVERY);
    runTiny(root, 'clean', files, STEPS, EVERY);
    const a = loadCheckpoint(checkpointPath(join(root, 'clean', 'checkpoints'), STEPS));
    const b = loadCheckpoint(checkpointPath(ckDir, STEPS));
    assert.ok(Object.keys(a.tensors).length >= 4);
    for (const k of Object.keys(a.tensors)) {
      assert.deepEqual(new Uint8Array(b.tensors[k]!.slice().buffer), new Uint8Array(a.tensors[k]!.slice().buffer), `tensor ${k} differs`);
    }
    assert.deepEqual(b.meta, a.meta);
    const trainSteps = new MetricsLog(join(root, 'killed', 'metrics.jsonl')).read().filter((m) => m.kind === 'train').map((m) => m.step);
    assert.deepEqual(trainSteps, Array.from({ length: STEPS }, (_, i) => i + 1));
    assert.ok(!readdirSync(ckDir).some((f) => f.endsWith('.tmp')));
    assert.ok(existsSync(join(root, 'killed', 'config.json')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

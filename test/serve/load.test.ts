import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createModel, saveHfCheckpoint } from '../../src/models/index.ts';
import { fixtureDir } from '../generation/fixture.ts';
import { startServer } from './server-fixture.ts';

interface Reply { status: number; tokens: number; text: string; done: boolean }
interface Round { serial: Reply[]; parallel: Reply[]; serialSec: number; parallelSec: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A random-init GPT of 2.4M parameters (d=256, 3 layers, the fixture's 320-token BPE): big enough
// that a decoding step's cost is the model's (reading the weights), which one batched step pays for
// all 16 streams. Measured on the shared 2-core machine at load average 11-12 (docs/serving.md):
// medians of 7 per-round ratios of 2.6-3.9x, so the bound of 2x leaves room for a busier machine.
test('load: 16 concurrent streaming clients give >= 2x the aggregate tokens/s of one at a time, none lost', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-load-'));
  const model = createModel({ modelType: 'gpt', vocabSize: 320, dim: 256, nLayers: 3, nHeads: 8, maxSeqLen: 128, seed: 7 }).eval();
  saveHfCheckpoint(model, dir);
  copyFileSync(join(fixtureDir, 'target', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const { url, server } = await startServer({ modelDir: dir, maxConcurrent: 16, maxQueue: 16 });
  try {
    const n = 16;
    const maxTokens = 24;
    const client = new URL('./load-client.mjs', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [client, url, String(n), String(maxTokens), '7'], { timeout: 100_000 });
    const rounds = JSON.parse(stdout) as Round[];
    for (const r of rounds) {
      for (const reply of [...r.serial, ...r.parallel]) {
        assert.equal(reply.status, 200);
        assert.ok(reply.done, 'stream ended with [DONE]');
        assert.equal(reply.tokens, maxTokens, 'no request lost or cut short');
      }
      // same seeds, same tokens: batching does not change what each request gets
      assert.deepEqual(r.parallel.map((x) => x.text), r.serial.map((x) => x.text));
    }
    // Other jobs' load comes in bursts that can hit either phase of a round, so each round's
    // concurrent phase is compared with the one-at-a-time phase just before it, and the median of
    // the 7 rounds' ratios is judged.
    const tokens = n * maxTokens;
    const ratios = rounds.map((r) => r.serialSec / r.parallelSec);
    const ratio = median(ratios);
    console.log(`load: one at a time ${(tokens / median(rounds.map((r) => r.serialSec))).toFixed(0)} tok/s, 16 concurrent ${(tokens / median(rounds.map((r) => r.parallelSec))).toFixed(0)} tok/s (medians); ratio ${ratio.toFixed(2)} (median of the rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})`);
    assert.ok(ratio >= 2, `aggregate throughput ratio ${ratio.toFixed(2)} < 2`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer } from './server-fixture.ts';

interface Reply { status: number; tokens: number; text: string; done: boolean }
interface Round { serial: Reply[]; parallel: Reply[]; serialSec: number; parallelSec: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The smaller fixture model (d=16, one layer): a batched decoding step of 16 rows costs about
// 0.1 ms on the engine's kernels, so every streamed token's own sampling and HTTP cost dominates;
// the gain measured on the shared two-core machine ranges from about 1.1x (inside the full parallel
// suite) to 2x with its load. The bound below only checks that batching helps; the log gives the number.
test('load: 16 concurrent streaming clients beat one-at-a-time in aggregate tokens/s (>= 1.2x), none lost', async () => {
  const { url, server } = await startServer({ maxConcurrent: 16, maxQueue: 16 }, 'draft');
  try {
    const n = 16;
    const maxTokens = 24;
    const client = new URL('./load-client.mjs', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [client, url, String(n), String(maxTokens)], { timeout: 60_000 });
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
    const tokens = n * maxTokens;
    const serialRate = tokens / median(rounds.map((r) => r.serialSec));
    const parallelRate = tokens / median(rounds.map((r) => r.parallelSec));
    const ratio = parallelRate / serialRate;
    console.log(`load: one at a time ${serialRate.toFixed(0)} tok/s, 16 concurrent ${parallelRate.toFixed(0)} tok/s, ratio ${ratio.toFixed(2)} (medians of ${rounds.length} rounds)`);
    assert.ok(ratio >= 1.2, `aggregate throughput ratio ${ratio.toFixed(2)} < 1.2`);
  } finally {
    await server.close();
  }
});

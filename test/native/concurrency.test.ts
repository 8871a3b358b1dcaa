// Kernels called from several worker threads at once (as ranks of a distributed run may) give
// the same results as one caller: the pool and the packing buffers take one job at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { addon } from './helpers.ts';

const workerSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const nat = require(workerData.path);
  const { m, n, k, seed, reps } = workerData;
  const a = new Float32Array(m * k), b = new Float32Array(k * n);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.01 + seed);
  for (let i = 0; i < b.length; i++) b[i] = Math.cos(i * 0.02 - seed);
  const c = new Float32Array(m * n), s = new Float32Array(m * n);
  for (let r = 0; r < reps; r++) {
    nat.matmul(a, b, c, 1, m, n, k, false, false, 0, 0, false);
    nat.softmax(c, s, m, n, false);
  }
  parentPort.postMessage({ c, s });
`;

if (addon !== null) {
  const native = addon;
  test('native kernels called from 3 worker threads at once match a single caller', async () => {
    const path = new URL('../../build/Release/tessera_native.node', import.meta.url).pathname;
    const shapes = [{ m: 70, n: 300, k: 400, seed: 1 }, { m: 1, n: 3000, k: 500, seed: 2 }, { m: 130, n: 64, k: 800, seed: 3 }];
    const results = await Promise.all(shapes.map((s) => new Promise<{ c: Float32Array; s: Float32Array }>((resolve, reject) => {
      const w = new Worker(workerSource, { eval: true, workerData: { path, reps: 20, ...s } });
      w.once('message', (msg) => { void w.terminate(); resolve(msg as { c: Float32Array; s: Float32Array }); });
      w.once('error', reject);
    })));
    shapes.forEach(({ m, n, k, seed }, i) => {
      const a = new Float32Array(m * k), b = new Float32Array(k * n);
      for (let j = 0; j < a.length; j++) a[j] = Math.sin(j * 0.01 + seed);
      for (let j = 0; j < b.length; j++) b[j] = Math.cos(j * 0.02 - seed);
      const c = new Float32Array(m * n), s = new Float32Array(m * n);
      native.matmul(a, b, c, 1, m, n, k, false, false, 0, 0, false);
      native.softmax(c, s, m, n, false);
      assert.deepEqual(results[i].c, c, `matmul from worker ${i}`);
      assert.deepEqual(results[i].s, s, `softmax from worker ${i}`);
    });
  });
}

// The thread pool parks its workers when idle: a process that ran a threaded kernel and then
// waits uses (almost) no CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { addon } from './helpers.ts';

if (addon !== null) {
  const native = addon;
  test('idle pool workers park: no CPU is used while no kernel runs', async () => {
    const before = native.info().threads;
    native.setThreads(2);
    try {
      const n = 1 << 20;
      const x = new Float32Array(n).fill(1), y = new Float32Array(n);
      for (let i = 0; i < 20; i++) native.unary(0, x, y); // threaded (n >= 64K)
      assert.equal(y[n - 1], -1);
      await sleep(50); // workers stop yielding after ~1 ms and park
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await sleep(300);
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu0);
      const cpuMs = (used.user + used.system) / 1000;
      assert.ok(cpuMs < 0.1 * wall, `idle process used ${cpuMs.toFixed(1)} ms of CPU in ${wall.toFixed(0)} ms`);
    } finally {
      native.setThreads(before);
    }
  });
}

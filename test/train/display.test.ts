import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress, formatDuration } from '../../src/train/progress.ts';
import { lossPlotSvg, niceTicks } from '../../src/train/loss-plot.ts';
import { pickToken } from '../../src/train/sample.ts';
import { Rng } from '../../src/util/rng.ts';

test('progress: plain lines every N steps off a terminal, a redrawn bar on one', () => {
  const out: string[] = [];
  const p = new Progress(30, 0, { isTTY: false, write: (s: string) => out.push(s) }, 10);
  for (let s = 1; s <= 30; s++) p.update({ step: s, loss: 2.5, tokensPerSec: 1234, lr: 1e-3 });
  assert.deepEqual(out.map((l) => l.split(' |')[0]), ['step 1/30', 'step 10/30', 'step 20/30', 'step 30/30']);
  assert.match(out[1]!, /loss 2\.5000 \| lr 1\.00e-3 \| 1\.2k tok\/s \| ETA \d\d:\d\d\n$/);
  const tty: string[] = [];
  const q = new Progress(4, 0, { isTTY: true, columns: 200, write: (s: string) => tty.push(s) }, 10);
  q.update({ step: 2, loss: 1, tokensPerSec: 10, lr: 0.1 });
  assert.match(tty[0]!, /^\r\[#{12}\.{12}\] step 2\/4/);
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(65), '01:05');
  assert.equal(formatDuration(Number.NaN), '--:--');
});

test('loss plot: round ticks and one polyline point per record', () => {
  assert.deepEqual(niceTicks(0.3, 4.2), [1, 2, 3, 4]);
  assert.deepEqual(niceTicks(2.05, 2.62), [2.2, 2.4, 2.6]);
  assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  const svg = lossPlotSvg([{ name: 'train', color: '#36c', points: [[1, 3], [2, 2.5], [3, 2]] }], 'run <x>');
  const poly = /points="([^"]+)"/.exec(svg)![1]!.split(' ');
  assert.equal(poly.length, 3);
  assert.ok(svg.includes('run &lt;x&gt;'));
});

test('pickToken: greedy is argmax; temperature sampling follows softmax(logits / t); top-k restricts', () => {
  const logits = [0.5, 2, -1, 1];
  assert.equal(pickToken(logits, 0, new Rng(1)), 1);
  const rng = new Rng(5);
  const n = 20000;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[pickToken(logits, 0.7, rng)]!++;
  const w = logits.map((l) => Math.exp(l / 0.7));
  const z = w.reduce((a, b) => a + b);
  w.forEach((wi, i) => {
    const p = wi / z;
    assert.ok(Math.abs(counts[i]! / n - p) < 4 * Math.sqrt((p * (1 - p)) / n) + 1e-3, `token ${i}: ${counts[i]! / n} vs ${p}`);
  });
  const top2 = new Set(Array.from({ length: 500 }, () => pickToken(logits, 1, rng, 2)));
  assert.deepEqual([...top2].sort(), [1, 3]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress, formatDuration } from '../../src/train/progress.ts';
import { lossPlotSvg, niceTicks } from '../../src/train/loss-plot.ts';
import { sampleTokens } from '../../src/train/sample.ts';
import { createModel } from '../../src/models/index.ts';
import { argmax } from '../../src/generation/index.ts';
import { noGrad, tensor } from '../../src/tensor/index.ts';
import { registerDefaultBackends } from '../../src/backends/register.ts';

registerDefaultBackends();

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

test('sampleTokens: greedy equals a naive argmax loop over the full forward; stop id, seeds per prompt, context crop', () => {
  const model = createModel({ modelType: 'gpt', vocabSize: 37, dim: 16, nLayers: 2, nHeads: 2, maxSeqLen: 12, seed: 4, initStd: 0.4 }).eval();
  const naive = (prompt: number[], n: number): number[] => {
    const ids = [...prompt];
    for (let i = 0; i < n && ids.length < 12; i++) {
      const logits = noGrad(() => model.forward(tensor(Int32Array.from(ids), [1, ids.length]))).contiguous().buffer() as Float32Array; // (1, t, V)
      ids.push(argmax(logits.subarray((ids.length - 1) * 37, ids.length * 37)));
    }
    return ids.slice(prompt.length);
  };
  const prompts = [[1, 2, 3], [30]];
  const greedy = sampleTokens(model, prompts, { maxTokens: 6, temperature: 0, seed: 0 });
  assert.deepEqual(greedy, prompts.map((p) => naive(p, 6)));
  // Generation ends at the context length (12): a 3-token prompt gets at most 9 new tokens.
  assert.deepEqual(sampleTokens(model, [[1, 2, 3]], { maxTokens: 50, temperature: 0, seed: 0 })[0], naive([1, 2, 3], 50));
  // A stop id ends a row before it is emitted.
  const stop = greedy[0]![2]!;
  assert.deepEqual(sampleTokens(model, [[1, 2, 3]], { maxTokens: 6, temperature: 0, seed: 0, stopId: stop })[0], greedy[0]!.slice(0, greedy[0]!.indexOf(stop)));
  // Prompt i samples with seed + i, so a row does not depend on the rest of the batch.
  const both = sampleTokens(model, [[5, 6], [5, 6]], { maxTokens: 8, temperature: 1.5, topK: 10, seed: 3 });
  assert.deepEqual(sampleTokens(model, [[5, 6]], { maxTokens: 8, temperature: 1.5, topK: 10, seed: 4 })[0], both[1]);
  assert.notDeepEqual(both[0], both[1]);
  // A prompt longer than the context keeps its last 11 tokens.
  const long = Array.from({ length: 20 }, (_, i) => (i * 7) % 37);
  assert.deepEqual(sampleTokens(model, [long], { maxTokens: 3, temperature: 0, seed: 0 })[0], naive(long.slice(-11), 3));
  assert.throws(() => sampleTokens(model, [[]], { maxTokens: 3, temperature: 0, seed: 0 }), /sample: every prompt must hold at least one token/);
});

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { totalParams, modelPreset } from '../../src/distributed/planner/index.ts';

async function capture(t: TestContext, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  t.mock.method(console, 'log', (...a: unknown[]) => { out.push(a.join(' ')); });
  t.mock.method(console, 'error', (...a: unknown[]) => { err.push(a.join(' ')); });
  const code = await main(argv);
  t.mock.restoreAll();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('cli plan: --json gives the plan; the table names every memory term', async (t) => {
  const args = ['plan', '--model', 'llama-7b', '--cluster', 'hgx-h200', '--nodes', '2', '--global-batch', '256', '--tp', '2', '--pp', '2', '--virtual-stages', '2', '--zero-stage', '1'];
  const json = await capture(t, [...args, '--json']);
  assert.equal(json.code, 0);
  const plan = JSON.parse(json.out) as { parameters: number; dp: number; microbatches: number; strategy: { sharding: string; schedule: string }; memory: { total: number }; fits: boolean };
  assert.equal(plan.parameters, totalParams(modelPreset('llama-7b')));
  assert.equal(plan.dp, 4);
  assert.equal(plan.microbatches, 64);
  assert.equal(plan.strategy.sharding, 'NNG');
  assert.equal(plan.strategy.schedule, 'interleaved');
  assert.ok(plan.fits && plan.memory.total < 141e9);
  // Half the peak at the same efficiency: the compute share of the step doubles, so the step grows.
  const slow = JSON.parse((await capture(t, [...args, '--json', '--peak-tflops', '494.5'])).out) as { time: { step: number } };
  assert.ok(slow.time.step > (JSON.parse(json.out) as { time: { step: number } }).time.step * 1.5);
  assert.match((await capture(t, [...args, '--efficiency', '2'])).err, /--efficiency must be a fraction of peak in \(0, 1\], got 2/);
  const table = await capture(t, args);
  for (const word of ['parameters', 'gradients', 'optimizer states', 'activations', 'buffers', 'H200-SXM-141GB', 'bubble', 'TFLOP/s per device']) assert.ok(table.out.includes(word), word);
});

test('cli plan: reads a Hugging Face config.json, refuses bad plans naming the constraint, and searches', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ model_type: 'gpt2', n_layer: 12, n_embd: 768, n_head: 12, vocab_size: 50257, n_positions: 1024 }));
  const ok = await capture(t, ['plan', '--model', cfg, '--global-batch', '64', '--json']);
  assert.equal(ok.code, 0);
  assert.equal((JSON.parse(ok.out) as { parameters: number }).parameters, 124_439_808);
  const bad = await capture(t, ['plan', '--model', cfg, '--tp', '5']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /tensor parallel size tp = 5 must divide the attention heads \(12\)/);
  const big = await capture(t, ['plan', '--model', 'gpt3-175b', '--global-batch', '64']);
  assert.match(big.err, /exceeds the device memory 80.00 GB/);
  const search = await capture(t, ['plan', '--model', cfg, '--global-batch', '64', '--search', '--top', '3']);
  assert.equal(search.code, 0);
  assert.match(search.out, /Fastest plans that fit:\n {3}1\. /);
  const paro = await capture(t, ['plan', '--model', cfg, '--global-batch', '64', '--nodes', '2', '--search', '--search-shardings', 'NIG,IIG', '--json']);
  const ranked = (JSON.parse(paro.out) as { ranked: { strategy: { sharding: string } }[] }).ranked;
  assert.ok(ranked.length > 0 && ranked.every((p) => ['NIG', 'IIG'].includes(p.strategy.sharding)));
  const badSharding = await capture(t, ['plan', '--model', cfg, '--search', '--search-shardings', 'NIX']);
  assert.match(badSharding.err, /tessera plan: sharding must be three letters/);
});

test('cli plan: --deepspeed-estimate prints DeepSpeed\'s stage-3 numbers for t5-3b', async (t) => {
  const r = await capture(t, ['plan', '--deepspeed-estimate', '3', '--params', '2851e6', '--largest-layer', '32e6', '--devices-per-node', '8', '--offload-optimizer']);
  assert.equal(r.code, 0);
  assert.equal(r.out, 'DeepSpeed ZeRO-3 estimate, 1 × 8 GPUs: per GPU 0.78 GiB, per CPU 63.72 GiB');
});

test('cli reproduce: --list names the planner; an unknown name is refused with the known ones', async (t) => {
  const list = await capture(t, ['reproduce', '--list']);
  assert.equal(list.code, 0);
  assert.match(list.out, /^planner {2}/m);
  const bad = await capture(t, ['reproduce', 'nope']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /unknown reproduction 'nope', expected one of: (.+, )?planner/);
});

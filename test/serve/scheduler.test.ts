import { test } from 'node:test';
import assert from 'node:assert/strict';
import { target, tokenizer, golden } from '../generation/fixture.ts';
import { Scheduler } from '../../src/serve/scheduler.ts';
import { generate } from '../../src/generation/generate.ts';
import type { StepOutput } from '../../src/serve/scheduler.ts';

const tok = { encode: (t: string) => tokenizer.encode(t), decode: (ids: readonly number[]) => tokenizer.decode(ids), stopTokens: [] };

function collect(outs: StepOutput[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const o of outs) for (const t of o.tokens) {
    if (t.token < 0) continue;
    const k = `${t.id}/${t.index}`;
    m.set(k, [...(m.get(k) ?? []), t.token]);
  }
  return m;
}

test('continuous batching: a request joins the running batch between decode steps, tokens unchanged', () => {
  const s = new Scheduler(target, tok, 4);
  const outs: StepOutput[] = [];
  assert.equal(s.submit({ type: 'submit', id: 'a', prompt: golden.prompts[0], n: 1, options: { maxTokens: 20, temperature: 0 } }), null);
  for (let i = 0; i < 5; i++) outs.push(s.step());
  assert.equal(s.submit({ type: 'submit', id: 'b', prompt: golden.prompts[2], n: 2, options: { maxTokens: 10, temperature: 0.8, seed: 3 } }), null);
  while (s.busy) outs.push(s.step());
  const got = collect(outs);
  assert.deepEqual(got.get('a/0'), golden.single[0].slice(0, 20));
  const plain = generate(target, [golden.prompts[2], golden.prompts[2]], { maxTokens: 10, temperature: 0.8, seed: 3 });
  assert.deepEqual(got.get('b/0'), plain[0].tokens);
  assert.deepEqual(got.get('b/1'), plain[1].tokens);
  assert.deepEqual(s.batchSizes.slice(0, 5), [1, 1, 1, 1, 1]);
  assert.equal(Math.max(...s.batchSizes), 3, 'the second request ran alongside the first');
  const done = outs.flatMap((o) => o.done);
  assert.deepEqual(done.map((d) => `${d.id}/${d.index}:${d.finishReason}:${d.completionTokens}`).sort(), ['a/0:length:20', 'b/0:length:10', 'b/1:length:10']);
});

test('queueing when slots are full, cancellation frees the slot, bad prompts are rejected', () => {
  const s = new Scheduler(target, tok, 1);
  s.submit({ type: 'submit', id: 'a', prompt: 'The', n: 1, options: { maxTokens: 50, temperature: 0 } });
  s.submit({ type: 'submit', id: 'b', prompt: 'We', n: 1, options: { maxTokens: 3, temperature: 0 } });
  s.step();
  assert.equal(s.running, 1);
  assert.equal(s.queued, 1);
  s.cancel('a');
  const outs: StepOutput[] = [];
  while (s.busy) outs.push(s.step());
  assert.deepEqual(collect(outs).get('b/0'), generate(target, [tokenizer.encode('We')], { maxTokens: 3, temperature: 0 })[0].tokens);
  assert.equal(s.submit({ type: 'submit', id: 'c', prompt: '', n: 1, options: { maxTokens: 3 } })?.param, 'prompt');
  assert.equal(s.submit({ type: 'submit', id: 'd', prompt: [1, 99999], n: 1, options: { maxTokens: 3 } })?.status, 400);
  assert.match(s.submit({ type: 'submit', id: 'e', prompt: 'x', n: 2, options: { maxTokens: 3 } })?.message ?? '', /n must be at most 1/);
});

test('ignore_eos: end-of-text ids do not end a request that asks to ignore them', () => {
  const eos = golden.single[0][0]; // greedy's first token, treated as end of text here
  const s = new Scheduler(target, { ...tok, stopTokens: [eos] }, 2);
  s.submit({ type: 'submit', id: 'stops', prompt: golden.prompts[0], n: 1, options: { maxTokens: 6, temperature: 0 } });
  s.submit({ type: 'submit', id: 'runs', prompt: golden.prompts[0], n: 1, options: { maxTokens: 6, temperature: 0, ignoreEos: true } });
  const outs: StepOutput[] = [];
  while (s.busy) outs.push(s.step());
  const done = new Map(outs.flatMap((o) => o.done).map((d) => [d.id, d]));
  assert.deepEqual([done.get('stops')!.finishReason, done.get('stops')!.completionTokens], ['stop', 0]);
  assert.deepEqual([done.get('runs')!.finishReason, done.get('runs')!.completionTokens], ['length', 6]);
  assert.deepEqual(collect(outs).get('runs/0'), golden.single[0].slice(0, 6));
});

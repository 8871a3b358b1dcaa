import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer, type Running } from './server-fixture.ts';
import { target, tokenizer } from '../generation/fixture.ts';
import { generate } from '../../src/generation/generate.ts';
import { createCache } from '../../src/generation/causal-lm.ts';
import { logSoftmaxRow } from '../../src/generation/sampling.ts';
import { ChatTemplate } from '../../src/serve/chat-template.ts';

let srv: Running;
let client: OpenAI;
const decode = (ids: readonly number[]): string => tokenizer.decode(ids);

before(async () => {
  srv = await startServer({ apiKey: 'sk-test' });
  client = new OpenAI({ baseURL: `${srv.url}/v1`, apiKey: 'sk-test' }); // only the baseURL differs from the defaults
});
after(async () => { await srv.server.close(); });

test('models.list and a greedy completion equal in-process generation, with usage and logprobs', async () => {
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['tiny']);
  const prompt = 'The state of the Union';
  const ids = tokenizer.encode(prompt);
  const r = await client.completions.create({ model: 'tiny', prompt, max_tokens: 10, temperature: 0, logprobs: 2 });
  const expected = generate(target, [ids], { temperature: 0, maxTokens: 10, decode })[0];
  assert.equal(r.choices[0].text, expected.text);
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.deepEqual(r.usage, { prompt_tokens: ids.length, completion_tokens: 10, total_tokens: ids.length + 10 });
  const lp = r.choices[0].logprobs!;
  assert.equal(lp.token_logprobs!.length, 10);
  const first = logSoftmaxRow(target.forward(ids, 1, ids.length, createCache(target, 1), { lastOnly: true }));
  assert.ok(Math.abs(lp.token_logprobs![0] - first[expected.tokens[0]]) < 1e-9);
  assert.equal(Object.keys(lp.top_logprobs![0]).length, 2);
  assert.equal(Math.max(...Object.values(lp.top_logprobs![0])), Math.max(...first));
});

test('chat streaming: deltas join to the non-streamed answer; usage chunk; stop strings; seeds and n', async () => {
  const messages = [{ role: 'user' as const, content: 'Tell me about the economy.' }];
  const full = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 12, temperature: 0 });
  const rendered = new ChatTemplate().render(messages);
  const expected = generate(target, [tokenizer.encode(rendered)], { temperature: 0, maxTokens: 12, decode, stopStrings: ['<|im_end|>'] })[0];
  assert.equal(full.choices[0].message.content, expected.text);
  assert.equal(full.choices[0].message.role, 'assistant');
  const stream = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  let finish: string | null = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, expected.text);
  assert.equal(finish, 'length');
  assert.equal(usage?.completion_tokens, 12);
  const stop = expected.text.slice(4, 7);
  const cut = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 12, temperature: 0, stop: [stop] });
  assert.equal(cut.choices[0].message.content, expected.text.slice(0, expected.text.indexOf(stop)));
  assert.equal(cut.choices[0].finish_reason, 'stop');
  const a = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 8, temperature: 1, seed: 42, n: 2 });
  const b = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 8, temperature: 1, seed: 42, n: 2 });
  assert.equal(a.choices.length, 2);
  assert.deepEqual(a.choices.map((c) => c.message.content), b.choices.map((c) => c.message.content));
  const sampled = generate(target, [tokenizer.encode(rendered), tokenizer.encode(rendered)], { temperature: 1, maxTokens: 8, seed: 42, decode, stopStrings: ['<|im_end|>'] });
  assert.deepEqual(a.choices.map((c) => c.message.content), sampled.map((s) => s.text));
  assert.equal(a.usage?.completion_tokens, 16);
});

test('errors reach the client as OpenAI errors: unknown model, bad parameter, wrong key', async () => {
  await assert.rejects(client.completions.create({ model: 'nope', prompt: 'x' }), (e: unknown) => {
    assert.ok(e instanceof OpenAI.NotFoundError);
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
    assert.match(e.message, /the model 'nope' does not exist/);
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'x' }], temperature: 5 }), (e: unknown) => {
    assert.ok(e instanceof OpenAI.BadRequestError);
    assert.equal(e.param, 'temperature');
    return true;
  });
  const wrong = new OpenAI({ baseURL: `${srv.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(wrong.models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError && e.status === 401);
  const streamErr: unknown = await client.completions.create({ model: 'tiny', prompt: 'x'.repeat(400), max_tokens: 4, stream: true }).catch((e: unknown) => e);
  // a prompt longer than the context is refused before any token (400) or in the stream
  if (streamErr instanceof Error) assert.match(streamErr.message, /context holds/);
  else {
    let failed = false;
    try { for await (const _ of streamErr as AsyncIterable<unknown>) { /* drain */ } } catch (e) { failed = /context holds/.test(String(e)); }
    assert.ok(failed);
  }
});

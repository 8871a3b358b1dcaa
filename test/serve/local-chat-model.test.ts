import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalChatModel } from '../../src/serve/local-chat-model.ts';
import { OpenAICompatibleModel } from '../../src/agents/providers/openai-compatible.ts';
import { ChatTemplate } from '../../src/serve/chat-template.ts';
import { generate } from '../../src/generation/generate.ts';
import { fixtureDir, target, tokenizer } from '../generation/fixture.ts';
import { startServer } from './server-fixture.ts';
import type { GenerateRequest } from '../../src/spec/chat-model.ts';

const request: GenerateRequest = { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'How is the Union?' }], temperature: 0, maxTokens: 12 };

test('LocalChatModel: generate equals in-process greedy decoding; stream agrees; usage adds up; abort is honoured', async () => {
  const model = LocalChatModel.fromDir(fixtureDir + 'target', 'tiny');
  assert.equal(model.specVersion, 1);
  const g = await model.generate(request);
  const prompt = tokenizer.encode(new ChatTemplate().render(request.messages));
  const expected = generate(target, [prompt], { temperature: 0, maxTokens: 12, decode: (ids) => tokenizer.decode(ids), stopStrings: ['<|im_end|>'] })[0];
  assert.equal(g.message.content, expected.text);
  assert.equal(g.message.role, 'assistant');
  assert.deepEqual(g.usage, { promptTokens: prompt.length, completionTokens: expected.tokens.length, totalTokens: prompt.length + expected.tokens.length });
  assert.equal(g.finishReason, 'length');
  const deltas: string[] = [];
  for await (const e of model.stream(request)) if (e.type === 'delta') deltas.push(e.content);
  assert.equal(deltas.join(''), g.message.content);
  const ctl = new AbortController();
  ctl.abort();
  await assert.rejects(model.generate({ ...request, signal: ctl.signal }), /abort/i);
});

test('the agents HTTP provider against tessera serve answers as the local provider does', async () => {
  const { url, server } = await startServer();
  try {
    const remote = new OpenAICompatibleModel({ baseUrl: `${url}/v1`, model: 'tiny', maxRetries: 0 });
    const local = LocalChatModel.fromDir(fixtureDir + 'target', 'tiny');
    const [a, b] = [await remote.generate(request), await local.generate(request)];
    assert.equal(a.message.content, b.message.content);
    assert.deepEqual(a.usage, b.usage);
  } finally {
    await server.close();
  }
});

// One conformance suite for every ChatModel provider: scripted, replayed and HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { ChatModel, GenerateRequest } from '../../src/spec/chat-model.ts';
import { mockChatModel, mockTool } from '../../src/agents/mocks.ts';
import { RecordingModel, ReplayModel } from '../../src/agents/providers/replay.ts';
import { OpenAICompatibleModel } from '../../src/agents/providers/openai-compatible.ts';
import { runToolCalls } from '../../src/agents/tools.ts';
import { nullTracer } from '../../src/agents/tracing.ts';
import { completion, completionChunks, startFixtureServer } from './helpers/openai-server.ts';

const request: GenerateRequest = { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'say hello' }] };
const words = ['Hello', ' there', ', friend'];

async function conformance(label: string, make: () => Promise<{ model: ChatModel; done: () => Promise<void> }>) {
  test(`ChatModel conformance (${label}): generate and stream agree; usage adds up; abort is honoured`, async () => {
    const { model, done } = await make();
    try {
      assert.equal(model.specVersion, 1);
      const g = await model.generate(request);
      assert.equal(g.message.role, 'assistant');
      assert.equal(g.message.content, 'Hello there, friend');
      assert.equal(g.usage.totalTokens, g.usage.promptTokens + g.usage.completionTokens);
      const deltas: string[] = [];
      let final;
      for await (const e of model.stream(request)) {
        if (e.type === 'delta') deltas.push(e.content);
        else if (e.type === 'done') final = e.response;
      }
      assert.equal(deltas.join(''), g.message.content);
      assert.deepEqual(final?.message, g.message);
      assert.deepEqual(final?.usage, g.usage);
      const ctl = new AbortController();
      ctl.abort();
      await assert.rejects(model.generate({ ...request, signal: ctl.signal }), /abort/i);
    } finally {
      await done();
    }
  });
}

const scripted = () => mockChatModel(() => words.join(''));
await conformance('scripted', async () => ({ model: scripted(), done: async () => {} }));
await conformance('replay', async () => {
  const rec = new RecordingModel(scripted());
  await rec.generate(request);
  await rec.generate(request);
  await rec.generate(request);
  return { model: new ReplayModel(rec.fixture(), { mode: 'keyed' }), done: async () => {} };
});
await conformance('http', async () => {
  const srv = await startFixtureServer((body) => (body.stream ? { sse: completionChunks(words, { prompt: 9 }) } : { json: completion(words.join(''), { prompt: 9, completion: 3 }) }));
  return { model: new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm', maxRetries: 0 }), done: () => srv.close() };
});

test('Tool mock: records validated inputs and answers', async () => {
  const t = mockTool('lookup', (i: { id: number }) => ({ id: i.id, name: `item ${i.id}` }), z.object({ id: z.number() }));
  const r = await runToolCalls([{ id: 'x', name: 'lookup', arguments: '{"id": 7}' }, { id: 'y', name: 'lookup', arguments: '{"id": "7"}' }], new Map([['lookup', t]]), { agentName: 'a', signal: new AbortController().signal, tracer: nullTracer });
  assert.deepEqual(t.calls, [{ id: 7 }]);
  assert.equal(r.results[0].content, '{"id":7,"name":"item 7"}');
  assert.equal(r.results[1].isError, true);
});

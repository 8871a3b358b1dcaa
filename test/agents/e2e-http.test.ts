// End to end: an assistant backed by the OpenAI-compatible HTTP provider talks to a user proxy
// with the sandboxed executor, against a real HTTP server on loopback replaying recorded replies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { initiateChat } from '../../src/agents/chat.ts';
import { SandboxedExecutor } from '../../src/agents/executors/sandboxed.ts';
import { OpenAICompatibleModel } from '../../src/agents/providers/openai-compatible.ts';
import { AssistantAgent, UserProxyAgent } from '../../src/agents/roles.ts';
import { MemoryTracer } from '../../src/agents/tracing.ts';
import { startReplayServer } from './helpers/replay-server.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'e2e-code-chat.json');

for (const streaming of [false, true]) {
  test(`e2e: two-agent code-execution chat over HTTP (${streaming ? 'streamed' : 'plain'})`, async () => {
    const server = await startReplayServer(fixture);
    try {
      const tokens: string[] = [];
      const assistant = new AssistantAgent({
        name: 'assistant',
        model: new OpenAICompatibleModel({ baseUrl: server.baseUrl, model: 'fixture-assistant', maxRetries: 0, timeoutMs: 10_000 }),
        ...(streaming ? { onToken: (d: string) => void tokens.push(d) } : {}),
      });
      const proxy = new UserProxyAgent({ name: 'user', humanInputMode: 'NEVER', executor: new SandboxedExecutor() });
      const tracer = new MemoryTracer();
      const r = await initiateChat(proxy, assistant, 'What is the sum of the squares of the integers 1 to 10? Compute it with code.', { tracer });
      assert.deepEqual(r.transcript.map((e) => e.from), ['user', 'assistant', 'user', 'assistant']);
      assert.equal(r.transcript[2].message.content, 'exitcode: 0 (execution succeeded)\nCode output:\n385\n');
      assert.equal(r.summary, 'The sum of the squares of 1 to 10 is 385.');
      assert.equal(r.stopReason, 'user: termination message received');
      assert.deepEqual(r.usage, { promptTokens: 289, completionTokens: 40, totalTokens: 329 });
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[0].stream, streaming ? true : undefined);
      assert.equal((server.requests[0].messages as { role: string }[])[0].role, 'system');
      assert.deepEqual(tracer.events.filter((e) => e.type === 'code_execution').map((e) => e.type === 'code_execution' && [e.executor, e.exitCode]), [['sandboxed', 0]]);
      if (streaming) assert.equal(tokens.join(''), r.transcript[1].message.content + r.transcript[3].message.content);
    } finally {
      await server.close();
    }
  });
}

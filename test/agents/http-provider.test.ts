import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAICompatibleModel } from '../../src/agents/providers/openai-compatible.ts';
import { collectStream } from '../../src/agents/providers/common.ts';
import { completion, completionChunks, startFixtureServer } from './helpers/openai-server.ts';

const hello = { messages: [{ role: 'user' as const, content: 'hi' }] };

test('http provider: generate sends the OpenAI body and reads content, tool calls and usage', async () => {
  const srv = await startFixtureServer(() => ({ json: completion(null, { toolCalls: [{ id: 'c1', name: 'add', arguments: '{"a":1}' }], prompt: 7, completion: 3 }) }));
  try {
    const m = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1', apiKey: 'k' });
    const r = await m.generate({ ...hello, tools: [{ name: 'add', description: 'adds', parameters: { type: 'object' } }], temperature: 0.5, maxTokens: 9 });
    assert.deepEqual(r.message.toolCalls, [{ id: 'c1', name: 'add', arguments: '{"a":1}' }]);
    assert.equal(r.message.content, '');
    assert.deepEqual(r.usage, { promptTokens: 7, completionTokens: 3, totalTokens: 10 });
    assert.equal(r.finishReason, 'tool_calls');
    assert.deepEqual(srv.requests[0], {
      model: 'm1', messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, max_tokens: 9,
      tools: [{ type: 'function', function: { name: 'add', description: 'adds', parameters: { type: 'object' } } }],
    });
  } finally {
    await srv.close();
  }
});

test('http provider: stream yields the deltas in order and a done with usage', async () => {
  const srv = await startFixtureServer(() => ({ sse: completionChunks(['Hel', 'lo', ' world'], { prompt: 4, completion: 3 }) }));
  try {
    const m = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1' });
    const deltas: string[] = [];
    let done;
    for await (const e of m.stream(hello)) {
      if (e.type === 'delta') deltas.push(e.content);
      if (e.type === 'done') done = e.response;
    }
    assert.deepEqual(deltas, ['Hel', 'lo', ' world']);
    assert.equal(done?.message.content, 'Hello world');
    assert.deepEqual(done?.usage, { promptTokens: 4, completionTokens: 3, totalTokens: 7 });
    assert.equal(srv.requests[0].stream, true);
  } finally {
    await srv.close();
  }
});

test('http provider: streamed tool calls are assembled from their deltas', async () => {
  const base = { id: 'x', object: 'chat.completion.chunk', model: 'm1' };
  const tc = (d: Record<string, unknown>) => ({ ...base, choices: [{ index: 0, delta: { tool_calls: [d] }, finish_reason: null }] });
  const srv = await startFixtureServer(() => ({ sse: [
    tc({ index: 0, id: 'call_a', type: 'function', function: { name: 'add', arguments: '' } }),
    tc({ index: 0, function: { arguments: '{"a":' } }),
    tc({ index: 1, id: 'call_b', type: 'function', function: { name: 'mul', arguments: '{"x":2}' } }),
    tc({ index: 0, function: { arguments: ' 1}' } }),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    '[DONE]',
  ] }));
  try {
    const m = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1' });
    const r = await collectStream(m.stream(hello));
    assert.deepEqual(r.message.toolCalls, [{ id: 'call_a', name: 'add', arguments: '{"a": 1}' }, { id: 'call_b', name: 'mul', arguments: '{"x":2}' }]);
    assert.equal(r.finishReason, 'tool_calls');
  } finally {
    await srv.close();
  }
});

test('http provider: retries 503 with doubling backoff, honours Retry-After, then succeeds', async () => {
  const srv = await startFixtureServer((_b, i) => (i === 0 ? { status: 503 } : i === 1 ? { status: 429, headers: { 'retry-after': '2' } } : i === 2 ? { status: 500 } : { json: completion('ok') }));
  try {
    const sleeps: number[] = [];
    const m = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1', retryBaseMs: 100, maxRetries: 3, sleep: async (ms) => void sleeps.push(ms) });
    const r = await m.generate(hello);
    assert.equal(r.message.content, 'ok');
    assert.equal(srv.requests.length, 4);
    // attempt 0 -> 100 ms, attempt 1 -> Retry-After 2 s, attempt 2 -> 100 * 2^2
    assert.deepEqual(sleeps, [100, 2000, 400]);
  } finally {
    await srv.close();
  }
});

test('http provider: gives up after maxRetries and does not retry a 400', async () => {
  const srv = await startFixtureServer((b) => (b.model === 'bad' ? { status: 400, body: '{"error":"bad model"}' } : { status: 502 }));
  try {
    const sleep = async () => {};
    const down = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1', maxRetries: 2, sleep });
    await assert.rejects(down.generate(hello), /giving up after 3 attempts: HTTP 502/);
    assert.equal(srv.requests.length, 3);
    const bad = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'bad', maxRetries: 2, sleep });
    await assert.rejects(bad.generate(hello), /HTTP 400 .*bad model/);
    assert.equal(srv.requests.length, 4);
  } finally {
    await srv.close();
  }
});

test('http provider: a slow server times out per attempt and is retried', async () => {
  // The retried attempt must answer within the per-attempt timeout even on a busy machine, so the
  // timeout is generous and the first attempt's delay well beyond it.
  const srv = await startFixtureServer((_b, i) => (i === 0 ? { json: completion('late'), delayMs: 2500 } : { json: completion('fast') }));
  try {
    const m = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1', timeoutMs: 1000, maxRetries: 1, sleep: async () => {} });
    const r = await m.generate(hello);
    assert.equal(r.message.content, 'fast');
    assert.equal(srv.requests.length, 2);
    const srv2 = await startFixtureServer(() => ({ json: completion('x'), delayMs: 300 }));
    try {
      const m2 = new OpenAICompatibleModel({ baseUrl: srv2.baseUrl, model: 'm1', timeoutMs: 50, maxRetries: 0 });
      await assert.rejects(m2.generate(hello), /timed out after 50 ms/);
    } finally {
      await srv2.close();
    }
  } finally {
    await srv.close();
  }
});

test('http provider: a stream that goes silent fails with an idle timeout', async () => {
  const srv = await startFixtureServer(() => ({ sse: completionChunks(['a', 'b']), chunkDelayMs: 300 }));
  try {
    const m = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1', timeoutMs: 100, maxRetries: 0 });
    await assert.rejects(collectStream(m.stream(hello)), /silent for longer than 100 ms|timed out/);
  } finally {
    await srv.close();
  }
});

test('http provider: a body that is not JSON is an error naming the endpoint', async () => {
  const srv = await startFixtureServer(() => ({ status: 200, body: '<html>proxy error</html>' }));
  try {
    const m = new OpenAICompatibleModel({ baseUrl: srv.baseUrl, model: 'm1', maxRetries: 0 });
    await assert.rejects(m.generate(hello), /^TesseraError: OpenAICompatibleModel: response from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions is not JSON: <html>proxy error<\/html>$/);
  } finally {
    await srv.close();
  }
});

test('http provider: bad configuration is refused with the field name', () => {
  assert.throws(() => new OpenAICompatibleModel({ baseUrl: 'localhost:1', model: 'x' }), /baseUrl must start with http/);
  assert.throws(() => new OpenAICompatibleModel({ baseUrl: 'http://x', model: '' }), /model must be a non-empty string/);
});

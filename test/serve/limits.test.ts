import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, postJson, type Running } from './server-fixture.ts';

const shape = (json: any): void => {
  assert.equal(typeof json.error.message, 'string');
  assert.equal(typeof json.error.type, 'string');
  assert.ok('param' in json.error && 'code' in json.error);
};

test('bad requests get 4xx OpenAI-shaped errors and the server stays up', async () => {
  const { url, server } = await startServer({ bodyLimit: 4096 });
  try {
    const cases: [unknown, number, string | null][] = [
      ['{"model": "tiny", "prompt": ', 400, null], // invalid JSON
      [{ model: 'tiny', prompt: 'x', max_tokens: 'ten' }, 400, 'max_tokens'],
      [{ model: 'tiny', prompt: 7 }, 400, 'prompt'],
      [{ model: 'tiny', prompt: 'x', ignore_eos: 'yes' }, 400, 'ignore_eos'],
      [{ model: 'tiny', prompt: 'x', temperature: '0.5', stream: true }, 400, 'temperature'],
      [{ model: 'tiny', prompt: 'x', n: 0 }, 400, 'n'],
      [{ model: 'tiny', prompt: 'x', stop: ['a', 'b', 'c', 'd', 'e'] }, 400, 'stop'],
      [{ model: 'tiny', prompt: 'x', max_tokens: 100000 }, 400, 'max_tokens'],
      [{ model: 'gpt-17', prompt: 'x' }, 404, 'model'],
      [{ model: 'tiny', prompt: 'x'.repeat(5000) }, 413, null],
    ];
    for (const [body, status, param] of cases) {
      const r = await postJson(`${url}/v1/completions`, body);
      assert.equal(r.status, status, JSON.stringify(r.json));
      shape(r.json);
      assert.equal(r.json.error.param, param);
    }
    const chat = await postJson(`${url}/v1/chat/completions`, { model: 'tiny', messages: [{ role: 'wizard', content: 'x' }] });
    assert.equal(chat.status, 400);
    assert.equal(chat.json.error.param, 'messages.0.role');
    const nf = await fetch(`${url}/v1/embeddings`, { method: 'POST' });
    assert.equal(nf.status, 404);
    shape(await nf.json());
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const ok = await postJson(`${url}/v1/completions`, { model: 'tiny', prompt: 'We', max_tokens: 3 });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.usage.completion_tokens, 3);
  } finally {
    await server.close();
  }
});

async function firstChunk(res: Response): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = res.body!.getReader();
  await reader.read();
  return reader;
}

test('/health answers during generation; capacity gives 429; a disconnect cancels; shutdown finishes running requests', { timeout: 120_000 }, async () => {
  const { url, server } = await startServer({ maxConcurrent: 1, maxQueue: 0 });
  try {
    await capacityChecks(url, server);
  } finally {
    await server.close().catch(() => undefined);
  }
});

async function capacityChecks(url: string, server: Running['server']): Promise<void> {
  const body = { model: 'tiny', prompt: 'The', max_tokens: 80, temperature: 0, stream: true };
  // The fixture model is tiny, so on a busy machine the long request can finish before the second
  // one arrives. Health taken after the second request tells whether capacity was really full;
  // when it was not, the round proves nothing and is repeated.
  let ctrl = new AbortController();
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let checked = false;
  for (let attempt = 0; attempt < 5 && !checked; attempt++) {
    ctrl = new AbortController();
    const long = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ctrl.signal });
    reader = await firstChunk(long);
    const busy = await postJson(`${url}/v1/completions`, { model: 'tiny', prompt: 'x', max_tokens: 2 });
    const h = await (await fetch(`${url}/health`)).json() as { in_flight: number };
    if (h.in_flight !== 1) {
      await reader.cancel().catch(() => undefined);
      continue;
    }
    assert.equal(busy.status, 429);
    assert.equal(busy.json.error.type, 'rate_limit_error');
    checked = true;
  }
  assert.ok(checked, 'the long request stayed in flight while /health answered, in one of 5 rounds');
  ctrl.abort();
  await reader!.closed.catch(() => undefined);
  let inFlight = 1;
  for (let i = 0; i < 100 && inFlight > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    inFlight = (await (await fetch(`${url}/health`)).json() as { in_flight: number }).in_flight;
  }
  assert.equal(inFlight, 0, 'the aborted request was cancelled');
  // graceful shutdown: a running stream still ends with all its tokens and [DONE]
  const running = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, max_tokens: 30, stream_options: { include_usage: true } }) });
  const text = running.text();
  await new Promise((r) => setTimeout(r, 30));
  await server.close();
  const sse = await text;
  assert.ok(sse.trimEnd().endsWith('data: [DONE]'));
  assert.match(sse, /"completion_tokens":30/);
  await assert.rejects(fetch(`${url}/health`));
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';
import { loadReplayFixture, RecordingModel, ReplayModel } from '../../src/agents/providers/replay.ts';
import { collectStream } from '../../src/agents/providers/common.ts';
import type { GenerateRequest } from '../../src/spec/chat-model.ts';

const req = (content: string): GenerateRequest => ({ messages: [{ role: 'user', content }] });

test('scripted model: serves replies in order, estimates usage, fails past the end', async () => {
  const m = new ScriptedModel(['first reply', { content: '', toolCalls: [{ id: 'a', name: 't', arguments: '{}' }] }]);
  const r1 = await m.generate(req('abcdefgh'));
  assert.equal(r1.message.content, 'first reply');
  // ceil(8/4) + 4 prompt tokens; ceil(11/4) completion tokens
  assert.deepEqual(r1.usage, { promptTokens: 6, completionTokens: 3, totalTokens: 9 });
  const r2 = await m.generate(req('x'));
  assert.equal(r2.finishReason, 'tool_calls');
  await assert.rejects(m.generate(req('y')), /call #3 is past the end of the script \(2 replies\)/);
  assert.equal(m.calls.length, 3);
});

test('scripted model: streaming concatenates to the same content as generate', async () => {
  const m = new ScriptedModel((r) => `echo: ${r.messages.at(-1)?.content} and more words`);
  const deltas: string[] = [];
  for await (const e of m.stream(req('hi there'))) if (e.type === 'delta') deltas.push(e.content);
  assert.equal(deltas.join(''), 'echo: hi there and more words');
  assert.equal(deltas.length, 6);
});

test('replay model: serves recordings in order and fails loudly on a changed or extra request', async () => {
  const rec = new RecordingModel(new ScriptedModel(['one', 'two']));
  await rec.generate(req('a'));
  await collectStream(rec.stream(req('b')));
  const path = join(mkdtempSync(join(tmpdir(), 'replay-')), 'f.json');
  rec.save(path);
  const fixture = loadReplayFixture(path);
  assert.equal(fixture.entries.length, 2);

  const ok = new ReplayModel(fixture);
  assert.equal((await ok.generate(req('a'))).message.content, 'one');
  assert.equal((await ok.generate(req('b'))).message.content, 'two');
  await assert.rejects(ok.generate(req('c')), /unrecorded request #3 .*the fixture holds 2/);

  const changed = new ReplayModel(fixture);
  await assert.rejects(changed.generate(req('A')), /request #1 does not match the recording.*message 0 differs/);

  const keyed = new ReplayModel(fixture, { mode: 'keyed' });
  assert.equal((await keyed.generate(req('b'))).message.content, 'two');
  await assert.rejects(keyed.generate(req('zzz')), /unrecorded request \(key [0-9a-f]{16}\)/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConversableAgent } from '../../src/agents/agent.ts';
import { initiateChat, initiateChats } from '../../src/agents/chat.ts';
import { registerNestedChats } from '../../src/agents/nested.ts';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';
import { defineTool } from '../../src/agents/tools.ts';
import { JsonlTracer } from '../../src/agents/tracing.ts';
import { lines, modelOf, scriptedAgent } from './helpers/setup.ts';

test('nested chat: the outer thread receives only the inner summary', async () => {
  const user = scriptedAgent('user', ['thanks']);
  const writer = scriptedAgent('writer', ['draft: roses are red', 'draft v2: roses are crimson']);
  const critic = scriptedAgent('critic', ['use a stronger colour word', 'good. TERMINATE']);
  const editor = scriptedAgent('editor', ['final: Roses are crimson.']);
  registerNestedChats(writer, user, [
    { recipient: critic, maxTurns: 2 },
    { recipient: editor, maxTurns: 1, message: (_ctx, carry) => `Polish this: ${carry}` },
  ]);
  const r = await initiateChat(user, writer, 'write a line about roses', { maxTurns: 1 });
  assert.deepEqual(lines(r.transcript), ['user>writer: write a line about roses', 'writer>user: final: Roses are crimson.']);
  // the inner chats happened: writer <-> critic for two turns, then writer -> editor
  assert.deepEqual(lines(writer.thread('critic')), ['writer>critic: write a line about roses', 'critic>writer: use a stronger colour word', 'writer>critic: draft: roses are red', 'critic>writer: good. TERMINATE']);
  assert.equal(writer.thread('editor')[0].message.content, 'Polish this: good.');
  assert.equal(writer.thread('user').length, 2);
  // inner model calls count in the outer run: critic 2 + writer 1 + editor 1
  assert.equal(r.modelCalls, 4);
  assert.equal(modelOf(user).calls.length, 0);
});

test('tracing: every message, model call and tool call lands in runs/<id>/trace.jsonl', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-runs-'));
  const tracer = new JsonlTracer(dir, 'run-7', () => 0);
  const add = defineTool({ name: 'add', description: 'adds', input: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b });
  const model = new ScriptedModel([
    { content: '', toolCalls: [{ id: 'c1', name: 'add', arguments: '{"a":1,"b":2}' }], usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18 } },
    { content: '3 TERMINATE', usage: { promptTokens: 20, completionTokens: 2, totalTokens: 22 } },
  ]);
  const bot = new ConversableAgent({ name: 'bot', model, modelTools: [add] });
  const runner = new ConversableAgent({ name: 'runner', tools: [add], isTerminationMsg: (m) => m.content.endsWith('TERMINATE') });
  const r = await initiateChat(runner, bot, '1+2?', { runId: 'run-7', tracer });
  const events = readFileSync(join(dir, 'run-7', 'trace.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.type), [
    'run_start', 'message', 'model_call_start', 'model_call_end', 'message', 'tool_call', 'tool_result', 'message', 'model_call_start', 'model_call_end', 'message', 'termination',
  ]);
  assert.deepEqual(events.filter((e) => e.type === 'model_call_end').map((e) => [e.promptTokens, e.completionTokens]), [[11, 7], [20, 2]]);
  assert.equal(events.find((e) => e.type === 'tool_result').content, '3');
  assert.deepEqual(r.usage, { promptTokens: 31, completionTokens: 9, totalTokens: 40 });
  assert.equal(events.at(-1).reason, 'runner: termination message received');
});

test('sequential chats carry each summary into the next opening; reflection summaries use the model', async () => {
  const boss = scriptedAgent('boss', ['summary: the plan is to buy milk']);
  const planner = scriptedAgent('planner', ['plan: buy milk. TERMINATE']);
  const shopper = scriptedAgent('shopper', ['bought it']);
  const [first, second] = await initiateChats(boss, [
    { recipient: planner, message: 'make a plan', maxTurns: 1, summaryMethod: 'reflection' },
    { recipient: shopper, message: 'do it', maxTurns: 1 },
  ]);
  assert.equal(first.summary, 'summary: the plan is to buy milk');
  assert.match(modelOf(boss).calls[0].messages[1].content, /^planner: plan: buy milk\. TERMINATE$/m);
  assert.equal(second.transcript[0].message.content, 'do it\nContext:\nsummary: the plan is to buy milk');
  assert.equal(second.summary, 'bought it');
});

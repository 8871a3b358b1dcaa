import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConversableAgent } from '../../src/agents/agent.ts';
import { initiateChat } from '../../src/agents/chat.ts';
import { defineTool, handoffTool, runToolCalls, toolDefinition } from '../../src/agents/tools.ts';
import { nullTracer } from '../../src/agents/tracing.ts';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';
import type { Tool } from '../../src/spec/tool.ts';

const add = defineTool({
  name: 'add',
  description: 'Adds two integers.',
  input: z.object({ a: z.number().int(), b: z.number().int() }),
  execute: async ({ a, b }) => a + b,
});

const ctx = { agentName: 't', signal: new AbortController().signal, tracer: nullTracer };

test('tool definition: the zod schema becomes JSON Schema for the model', () => {
  assert.deepEqual(toolDefinition(add), {
    name: 'add',
    description: 'Adds two integers.',
    parameters: {
      type: 'object',
      properties: { a: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }, b: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } },
      required: ['a', 'b'],
      additionalProperties: false,
    },
  });
});

test('a schema violation is returned to the model as an error result and the chat continues', async () => {
  const model = new ScriptedModel([
    { content: '', toolCalls: [{ id: 'c1', name: 'add', arguments: '{"a": 2, "b": "three"}' }] },
    { content: '', toolCalls: [{ id: 'c2', name: 'add', arguments: '{"a": 2, "b": 3}' }] },
    'The sum is 5. TERMINATE',
  ]);
  const assistant = new ConversableAgent({ name: 'assistant', model, modelTools: [add] });
  const executor = new ConversableAgent({ name: 'executor', tools: [add], isTerminationMsg: (m) => m.content.endsWith('TERMINATE') });
  const r = await initiateChat(executor, assistant, 'What is 2 + 3?');
  assert.equal(r.transcript.length, 6);
  assert.equal(r.stopReason, 'executor: termination message received');
  const bad = r.transcript[2].message.toolResults?.[0];
  assert.equal(bad?.isError, true);
  assert.match(bad?.content ?? '', /^Error: invalid arguments for 'add':\n.*expected number, received string\n.*→ at b/s);
  // The model's second request carries the error as a tool message answering call c1.
  const second = model.calls[1].messages;
  assert.deepEqual(second.at(-2)?.toolCalls, [{ id: 'c1', name: 'add', arguments: '{"a": 2, "b": "three"}' }]);
  assert.equal(second.at(-1)?.role, 'tool');
  assert.equal(second.at(-1)?.toolCallId, 'c1');
  assert.equal(second.at(-1)?.content, bad?.content);
  assert.equal(model.calls[2].messages.at(-1)?.content, '5');
  assert.equal(model.calls[0].tools?.[0].name, 'add');
});

test('parallel calls run concurrently and come back in call order', async () => {
  const order: string[] = [];
  const sleepy = defineTool({
    name: 'sleepy',
    description: 'waits',
    input: z.object({ ms: z.number(), tag: z.string() }),
    execute: async ({ ms, tag }) => {
      await new Promise((ok) => setTimeout(ok, ms));
      order.push(tag);
      return tag;
    },
  });
  const tools = new Map([['sleepy', sleepy]]);
  const calls = [
    { id: '1', name: 'sleepy', arguments: '{"ms": 60, "tag": "slow"}' },
    { id: '2', name: 'sleepy', arguments: '{"ms": 1, "tag": "fast"}' },
    { id: '3', name: 'sleepy', arguments: '{"ms": 30, "tag": "mid"}' },
  ];
  const r = await runToolCalls(calls, tools, ctx);
  assert.deepEqual(order, ['fast', 'mid', 'slow']);
  assert.deepEqual(r.results.map((x) => [x.toolCallId, x.content]), [['1', 'slow'], ['2', 'fast'], ['3', 'mid']]);
});

test('unknown tools, bad JSON and thrown errors become error results', async () => {
  const boom = defineTool({ name: 'boom', description: 'throws', input: z.object({}), execute: async () => { throw new Error('kaput'); } });
  const tools = new Map<string, Tool>([['add', add], ['boom', boom]]);
  const r = await runToolCalls([
    { id: 'u', name: 'nope', arguments: '{}' },
    { id: 'j', name: 'add', arguments: '{"a": 1,' },
    { id: 'b', name: 'boom', arguments: '' },
    { id: 'ok', name: 'add', arguments: '{"a": 40, "b": 2}' },
  ], tools, ctx);
  assert.deepEqual(r.results.map((x) => x.isError), [true, true, true, false]);
  assert.equal(r.results[0].content, "Error: unknown tool 'nope'; available: add, boom");
  assert.match(r.results[1].content, /^Error: arguments for 'add' are not valid JSON/);
  assert.equal(r.results[2].content, "Error: 'boom' failed: kaput");
  assert.equal(r.results[3].content, '42');
});

test('a handoff tool marks the reply with its target', async () => {
  const r = await runToolCalls([{ id: 'h', name: 'transfer_to_billing', arguments: '{}' }], new Map([['transfer_to_billing', handoffTool('billing')]]), ctx);
  assert.equal(r.handoff, 'billing');
  assert.equal(r.results[0].content, 'Transferred to billing.');
});

test('single agent: tools it both offers and runs are called in a loop until the model answers', async () => {
  const model = new ScriptedModel([
    { content: '', toolCalls: [{ id: 'c1', name: 'add', arguments: '{"a": 2}' }] },
    { content: '', toolCalls: [{ id: 'c2', name: 'add', arguments: '{"a": 2, "b": 3}' }] },
    'It is 5.',
  ]);
  const solo = new ConversableAgent({ name: 'solo', model, modelTools: [add], tools: [add] });
  const user = new ConversableAgent({ name: 'user' });
  const r = await initiateChat(user, solo, '2 + 3?', { maxTurns: 1 });
  assert.deepEqual(r.transcript.map((e) => e.message.content), ['2 + 3?', 'It is 5.']);
  assert.equal(r.modelCalls, 3);
  assert.equal(model.calls[1].messages.at(-1)?.role, 'tool');
  assert.match(model.calls[1].messages.at(-1)?.content ?? '', /^Error: invalid arguments for 'add'/);
  assert.equal(model.calls[2].messages.at(-1)?.content, '5');

  const looping = new ScriptedModel(() => ({ content: '', toolCalls: [{ id: 'c', name: 'add', arguments: '{"a": 1, "b": 1}' }] }));
  const stuck = new ConversableAgent({ name: 'stuck', model: looping, modelTools: [add], tools: [add], maxToolIterations: 2 });
  const r2 = await initiateChat(user, stuck, 'loop', { maxTurns: 1 });
  // three model calls (the first and two iterations), then the calls go out unexecuted
  assert.equal(looping.calls.length, 3);
  assert.equal(r2.transcript[1].message.toolCalls?.length, 1);
});

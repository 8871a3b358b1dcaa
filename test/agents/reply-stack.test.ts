import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversableAgent } from '../../src/agents/agent.ts';
import { AssistantAgent, UserProxyAgent } from '../../src/agents/roles.ts';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';
import { bareRun, modelOf, scriptedAgent } from './helpers/setup.ts';

test('reply stack: default order is termination/human, tools, code, model', () => {
  const a = new ConversableAgent({ name: 'a' });
  assert.deepEqual(a.replyOrder, ['termination-and-human-input', 'tool-calls', 'code-execution', 'model']);
});

test('reply stack: newest registration runs first, non-final results are skipped, first final wins', async () => {
  const a = scriptedAgent('a', ['from the model']);
  const seen: string[] = [];
  a.registerReply('any', async () => (seen.push('old'), { final: true, reply: { content: 'old wins' } }), { name: 'old' });
  a.registerReply('any', async () => (seen.push('hook'), { final: false, reply: { content: 'ignored' } }), { name: 'hook' });
  a.registerReply('any', async () => (seen.push('new'), null), { name: 'new' });
  assert.deepEqual(a.replyOrder.slice(0, 3), ['new', 'hook', 'old']);
  const out = await a.generateReply(undefined, bareRun());
  assert.deepEqual(seen, ['new', 'hook', 'old']);
  assert.equal(out.reply?.content, 'old wins');
  assert.equal(modelOf(a).calls.length, 0);
});

test('reply stack: position places a function lower in the stack', async () => {
  const a = scriptedAgent('a', ['model answer', 'model again']);
  a.registerReply('any', async () => ({ final: true, reply: { content: 'above model' } }), { name: 'above-model', position: 3 });
  a.registerReply('any', async () => ({ final: true, reply: { content: 'never' } }), { name: 'bottom', position: 5 });
  assert.deepEqual(a.replyOrder, ['termination-and-human-input', 'tool-calls', 'code-execution', 'above-model', 'model', 'bottom']);
  const b = new ConversableAgent({ name: 'b' });
  b.remember('a', { from: 'a', to: 'b', message: { content: 'hello' } });
  a.remember('b', { from: 'b', to: 'a', message: { content: 'hello' } });
  assert.equal((await a.generateReply(b, bareRun())).reply?.content, 'above model');
  assert.equal(modelOf(a).calls.length, 0);
});

test('reply stack: triggers filter by name, instance, class and predicate', async () => {
  const model = new ScriptedModel(() => 'model');
  const me = new ConversableAgent({ name: 'me', model });
  const alice = new AssistantAgent({ name: 'alice', model });
  const bob = new UserProxyAgent({ name: 'bob', humanInputMode: 'NEVER' });
  const carol = new ConversableAgent({ name: 'carol' });
  const dave = new ConversableAgent({ name: 'dave' });
  me.registerReply('alice', async () => ({ final: true, reply: { content: 'by name' } }));
  me.registerReply(bob, async () => ({ final: true, reply: { content: 'by instance' } }));
  me.registerReply(UserProxyAgent, async () => ({ final: true, reply: { content: 'by class' } }), { position: 2 });
  me.registerReply((s) => s?.name === 'carol', async () => ({ final: true, reply: { content: 'by predicate' } }));
  const reply = async (s: ConversableAgent) => {
    me.remember(s.name, { from: s.name, to: 'me', message: { content: 'x' } });
    return (await me.generateReply(s, bareRun())).reply?.content;
  };
  assert.equal(await reply(alice), 'by name');
  assert.equal(await reply(bob), 'by instance');
  assert.equal(await reply(carol), 'by predicate');
  assert.equal(await reply(dave), 'model');
  // The class trigger sits below the instance trigger for bob; remove the instance match with a new proxy.
  const erin = new UserProxyAgent({ name: 'erin', humanInputMode: 'NEVER' });
  assert.equal(await reply(erin), 'by class');
});

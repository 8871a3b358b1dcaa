import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initiateChat, resumeChat } from '../../src/agents/chat.ts';
import { ConversableAgent, defaultTermination, type HumanInputSource } from '../../src/agents/agent.ts';
import { answerOnce, scriptedInput, suspendingInput } from '../../src/agents/human-input.ts';
import { UserProxyAgent } from '../../src/agents/roles.ts';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';
import { lines, modelOf, scriptedAgent } from './helpers/setup.ts';

const chatter = (name: string) => (i: number) => `${name} says ${i + 1}`;

test('auto-reply limit: A (limit 2) and B (limit 3) in NEVER mode stop after exactly 6 messages, at A', async () => {
  const a = scriptedAgent('A', chatter('A'), { maxConsecutiveAutoReply: 2 });
  const b = scriptedAgent('B', chatter('B'), { maxConsecutiveAutoReply: 3 });
  const r = await initiateChat(a, b, 'start');
  assert.deepEqual(lines(r.transcript), ['A>B: start', 'B>A: B says 1', 'A>B: A says 1', 'B>A: B says 2', 'A>B: A says 2', 'B>A: B says 3']);
  assert.equal(r.stoppedBy, 'A');
  assert.equal(r.stopReason, 'A: auto-reply limit (2) reached');
  assert.equal(r.modelCalls, 5);
});

test('maxTurns: one turn is the initiator message plus the reply', async () => {
  const a = scriptedAgent('A', chatter('A'));
  const b = scriptedAgent('B', chatter('B'));
  const r = await initiateChat(a, b, 'go', { maxTurns: 2 });
  assert.deepEqual(lines(r.transcript), ['A>B: go', 'B>A: B says 1', 'A>B: A says 1', 'B>A: B says 2']);
  assert.equal(r.stopReason, 'max turns (2) reached');
});

test('termination predicate: a TERMINATE at the end stops the receiver; a TERMINATE mid-sentence does not', async () => {
  const a = scriptedAgent('A', ['I will not TERMINATE yet', 'x'], { isTerminationMsg: defaultTermination });
  const b = scriptedAgent('B', ['keep going', 'the answer is 4. TERMINATE'], { isTerminationMsg: defaultTermination });
  const r = await initiateChat(a, b, 'compute 2+2');
  assert.deepEqual(lines(r.transcript), ['A>B: compute 2+2', 'B>A: keep going', 'A>B: I will not TERMINATE yet', 'B>A: the answer is 4. TERMINATE']);
  assert.equal(r.stopReason, 'A: termination message received');
  assert.equal(r.summary, 'the answer is 4.');
});

test('an empty model reply ends the chat instead of ping-ponging blanks', async () => {
  const a = scriptedAgent('A', chatter('A'));
  const b = scriptedAgent('B', ['   ']);
  const r = await initiateChat(a, b, 'hi');
  assert.equal(r.transcript.length, 2);
  assert.equal(r.stopReason, 'A: empty message received');
});

test('human input ALWAYS: asked on every message; text is sent, empty auto-replies, exit ends', async () => {
  const input = scriptedInput(['typed by human', '', 'exit']);
  const human = new UserProxyAgent({ name: 'human', humanInput: input, model: modelOf(scriptedAgent('x', ['auto reply'])) });
  const bot = scriptedAgent('bot', chatter('bot'));
  const r = await initiateChat(human, bot, 'hello');
  assert.deepEqual(lines(r.transcript), ['human>bot: hello', 'bot>human: bot says 1', 'human>bot: typed by human', 'bot>human: bot says 2', 'human>bot: auto reply', 'bot>human: bot says 3']);
  assert.equal(input.requests.length, 3);
  assert.deepEqual(input.requests.map((q) => q.reason), ['always', 'always', 'always']);
  assert.equal(r.stopReason, 'human: human ended the chat');
});

test('human input TERMINATE: asked only on a termination message or at the limit', async () => {
  const input = scriptedInput(['', 'please add tests', '']);
  const proxy = new ConversableAgent({
    name: 'proxy', humanInputMode: 'TERMINATE', humanInput: input, maxConsecutiveAutoReply: 2, isTerminationMsg: defaultTermination,
    model: modelOf(scriptedAgent('x', chatter('proxy'))),
  });
  const bot = scriptedAgent('bot', ['one', 'two', 'three', 'done TERMINATE', 'more', 'finished TERMINATE']);
  const r = await initiateChat(proxy, bot, 'task');
  assert.deepEqual(lines(r.transcript), [
    'proxy>bot: task', 'bot>proxy: one', 'proxy>bot: proxy says 1', 'bot>proxy: two', 'proxy>bot: proxy says 2',
    // counter at the limit: asked, empty input -> auto reply without reset
    'bot>proxy: three', 'proxy>bot: proxy says 3',
    // termination message: asked, text is sent and the counter resets
    'bot>proxy: done TERMINATE', 'proxy>bot: please add tests',
    'bot>proxy: more', 'proxy>bot: proxy says 4',
    // termination again: empty input ends the chat
    'bot>proxy: finished TERMINATE',
  ]);
  assert.deepEqual(input.requests.map((q) => q.reason), ['limit', 'termination', 'termination']);
  assert.equal(r.stopReason, 'proxy: termination message received');
});

test('human input NEVER: never asks; stops on the predicate', async () => {
  const input = scriptedInput([]);
  const proxy = new ConversableAgent({ name: 'proxy', humanInputMode: 'NEVER', humanInput: input, isTerminationMsg: defaultTermination, model: modelOf(scriptedAgent('x', chatter('p'))) });
  const bot = scriptedAgent('bot', ['a', 'b TERMINATE']);
  const r = await initiateChat(proxy, bot, 'go');
  assert.equal(input.requests.length, 0);
  assert.equal(r.transcript.length, 4);
  assert.equal(r.stopReason, 'proxy: termination message received');
});

test('send / receive: the recursive ping-pong gives the same 6 messages as initiateChat', async () => {
  const a = scriptedAgent('A', chatter('A'), { maxConsecutiveAutoReply: 2 });
  const b = scriptedAgent('B', chatter('B'), { maxConsecutiveAutoReply: 3 });
  await a.send('start', b);
  assert.deepEqual(lines(a.thread('B')), ['A>B: start', 'B>A: B says 1', 'A>B: A says 1', 'B>A: B says 2', 'A>B: A says 2', 'B>A: B says 3']);
  assert.deepEqual(lines(b.thread('A')), lines(a.thread('B')));
  const c = scriptedAgent('C', chatter('C'));
  await a.send('just so you know', c, { requestReply: false });
  assert.equal(c.thread('A').length, 1);
  assert.equal(modelOf(c).calls.length, 0);
});

test('suspended human input: the run returns awaiting_input with a snapshot and resumes with the answer', async () => {
  const build = (input: HumanInputSource) => {
    const human = new UserProxyAgent({ name: 'human', humanInput: input });
    // replies depend on the request only, so a fresh model answers as the first one would
    const bot = new ConversableAgent({ name: 'bot', model: new ScriptedModel((r) => (r.messages.length === 1 ? 'Shall I proceed?' : 'Done. TERMINATE')) });
    return { human, bot };
  };
  const first = build(suspendingInput);
  const r1 = await initiateChat(first.human, first.bot, 'deploy it');
  assert.equal(r1.status, 'awaiting_input');
  assert.equal(r1.pendingInput?.agent, 'human');
  assert.equal(r1.pendingInput?.reason, 'always');
  assert.deepEqual(lines(r1.transcript), ['human>bot: deploy it', 'bot>human: Shall I proceed?']);
  // Only the JSON crosses over: new agents, new models, as in another process.
  const saved = JSON.stringify(r1.snapshot);
  const second = build(answerOnce('yes, go ahead'));
  const r2 = await resumeChat(second.human, second.bot, JSON.parse(saved));
  assert.equal(r2.status, 'awaiting_input');
  assert.deepEqual(lines(r2.transcript), ['human>bot: deploy it', 'bot>human: Shall I proceed?', 'human>bot: yes, go ahead', 'bot>human: Done. TERMINATE']);
  const third = build(answerOnce('exit'));
  const r3 = await resumeChat(third.human, third.bot, r2.snapshot!);
  assert.equal(r3.status, 'finished');
  assert.equal(r3.stopReason, 'human: human ended the chat');
  assert.equal(r3.transcript.length, 4);
});

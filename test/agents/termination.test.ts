import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initiateChat } from '../../src/agents/chat.ts';
import { allOf, anyOf, CostBudget, External, Handoff, MaxMessages, MaxTurns, TextMention, Timeout, TokenUsage, type RunView } from '../../src/agents/termination.ts';
import type { ChatEntry } from '../../src/agents/messages.ts';
import { ConversableAgent } from '../../src/agents/agent.ts';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';
import { lines, scriptedAgent } from './helpers/setup.ts';

const usage = (total: number) => ({ promptTokens: total - 1, completionTokens: 1, totalTokens: total });
const view = (o: Partial<RunView> & { texts?: string[] }): RunView => ({
  transcript: (o.texts ?? []).map((content, i): ChatEntry => ({ from: i % 2 ? 'b' : 'a', to: 'x', message: { content } })),
  turns: 0, usage: usage(1), cost: 0, elapsedMs: 0, ...o,
});

test('TextMention.or(MaxMessages(10)) stops on the mentioning message with its reason', async () => {
  const a = scriptedAgent('a', (i) => `a${i}`);
  const b = scriptedAgent('b', ['b0', 'b1', 'done, TERMINATE', 'b3']);
  const r = await initiateChat(a, b, 'start', { termination: new TextMention('TERMINATE').or(new MaxMessages(10)) });
  assert.deepEqual(lines(r.transcript).at(-1), 'b>a: done, TERMINATE');
  assert.equal(r.transcript.length, 6);
  assert.equal(r.stopReason, "text 'TERMINATE' mentioned by b");
  const r2 = await initiateChat(scriptedAgent('a', (i) => `a${i}`), scriptedAgent('b', (i) => `b${i}`), 'start', { termination: new TextMention('TERMINATE').or(new MaxMessages(10)) });
  assert.equal(r2.transcript.length, 10);
  assert.equal(r2.stopReason, 'max messages (10) reached');
});

test('TextMention matches a whole token at the end only, and can filter by source', () => {
  assert.equal(new TextMention('TERMINATE').check(view({ texts: ['I will not TERMINATE yet'] })), null);
  assert.equal(new TextMention('TERMINATE').check(view({ texts: ['NOTTERMINATE'] })), null);
  assert.notEqual(new TextMention('TERMINATE').check(view({ texts: ['ok TERMINATE.'] })), null);
  assert.equal(new TextMention('TERMINATE', ['b']).check(view({ texts: ['TERMINATE'] })), null);
});

test('.and needs both sides; each side latches on the message where it first held', () => {
  const c = new TextMention('STOP').and(new MaxMessages(3));
  assert.equal(c.check(view({ texts: ['STOP'] })), null);
  assert.equal(c.check(view({ texts: ['STOP', 'x'] })), null);
  assert.equal(c.check(view({ texts: ['STOP', 'x', 'y'] })), "text 'STOP' mentioned by a and max messages (3) reached");
  const d = allOf(new MaxTurns(2), new TokenUsage({ maxTotal: 50 }));
  assert.equal(d.check(view({ turns: 2, usage: usage(10) })), null);
  assert.equal(d.check(view({ turns: 1, usage: usage(60) })), 'max turns (2) reached and token budget: 60 total tokens >= 50');
});

test('TokenUsage stops once reported usage crosses the budget', async () => {
  const fixed = (n: number) => ({ content: `reply ${n}`, usage: { promptTokens: 30, completionTokens: 10, totalTokens: 40 } });
  const a = scriptedAgent('a', [fixed(1), fixed(2), fixed(3)]);
  const b = scriptedAgent('b', [fixed(1), fixed(2), fixed(3)]);
  const r = await initiateChat(a, b, 'go', { termination: new TokenUsage({ maxTotal: 100 }) });
  // 40 per call: 80 after two calls, 120 after three
  assert.equal(r.modelCalls, 3);
  assert.equal(r.usage.totalTokens, 120);
  assert.equal(r.stopReason, 'token budget: 120 total tokens >= 100');
  assert.equal(new TokenUsage({ maxCompletion: 5 }).check(view({ usage: { promptTokens: 1, completionTokens: 5, totalTokens: 6 } })), 'token budget: 5 completion tokens >= 5');
});

test('CostBudget uses the price table: 1M prompt tokens at 2 + 1M completion at 8 per million', async () => {
  const u = { promptTokens: 100_000, completionTokens: 50_000, totalTokens: 150_000 };
  const a = scriptedAgent('a', [{ content: 'x', usage: u }, { content: 'y', usage: u }]);
  const b = scriptedAgent('b', [{ content: 'x', usage: u }, { content: 'y', usage: u }]);
  // one call costs 0.1 * 2 + 0.05 * 8 = 0.6
  const r = await initiateChat(a, b, 'go', { termination: new CostBudget(1.0), prices: { 'a-model': { input: 2, output: 8 }, 'b-model': { input: 2, output: 8 } } });
  assert.equal(r.modelCalls, 2);
  assert.ok(Math.abs(r.cost - 1.2) < 1e-12);
  assert.match(r.stopReason, /^cost budget: 1\.200000 >= 1$/);
  assert.deepEqual(r.usageByAgent, { b: u, a: u });
});

test('Timeout fires under a fake clock', async () => {
  let now = 1000;
  const a = scriptedAgent('a', (i) => { now += 400; return `a${i}`; });
  const b = scriptedAgent('b', (i) => { now += 400; return `b${i}`; });
  const r = await initiateChat(a, b, 'go', { clock: () => now, termination: new Timeout(1000) });
  // messages land at t = 0, 400, 800, 1200 ms after the start
  assert.equal(r.transcript.length, 4);
  assert.equal(r.stopReason, 'timeout after 1000 ms');
});

test('Handoff fires on a handoff to its target only', () => {
  const h = (to: string): RunView => ({ ...view({}), transcript: [{ from: 'a', to: 'g', message: { content: '', handoff: to } }] });
  assert.equal(new Handoff('bob').check(h('carol')), null);
  assert.equal(new Handoff('bob').check(h('bob')), 'handoff to bob');
  assert.equal(new Handoff().check(h('carol')), 'handoff to carol');
});

test('External stops a running chat from another task; reset() re-arms every condition', async () => {
  const stop = new External();
  const model = new ScriptedModel((_r, i) => `m${i}`, { delayMs: 2 });
  const a = new ConversableAgent({ name: 'a', model, maxConsecutiveAutoReply: 1000 });
  const b = new ConversableAgent({ name: 'b', model, maxConsecutiveAutoReply: 1000 });
  const slow = new Promise<void>((ok) => setTimeout(ok, 30));
  const chat = initiateChat(a, b, 'go', { termination: stop, maxMessages: 100_000 });
  await slow;
  stop.set('user pressed stop');
  const r = await chat;
  assert.equal(r.stopReason, 'user pressed stop');
  assert.ok(r.transcript.length > 1 && r.transcript.length < 100_000);
  stop.reset();
  assert.equal(stop.check(view({})), null);
  const m = anyOf(new MaxMessages(1), new TextMention('X'));
  assert.equal(m.check(view({ texts: ['a'] })), 'max messages (1) reached');
  assert.equal(m.check(view({ texts: [] })), 'max messages (1) reached');
  m.reset();
  assert.equal(m.check(view({ texts: [] })), null);
});

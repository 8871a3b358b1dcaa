import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConversableAgent } from '../../src/agents/agent.ts';
import { GroupChat, type GroupChatOptions } from '../../src/agents/group-chat.ts';
import { scriptedInput } from '../../src/agents/human-input.ts';
import { ScriptedModel } from '../../src/agents/providers/scripted.ts';
import { MemoryTracer } from '../../src/agents/tracing.ts';
import { scriptedAgent } from './helpers/setup.ts';

const team = (names = ['a', 'b', 'c']) => names.map((n) => scriptedAgent(n, (i) => `${n}${i + 1}`));
const speakers = (r: { transcript: readonly { from: string }[] }) => r.transcript.map((e) => e.from).join('');

function group(o: Partial<GroupChatOptions>, agents = team()): GroupChat {
  return new GroupChat({ agents, maxRound: 7, ...o });
}

test('group chat: round-robin order, broadcast to every member, maxRound stops with its reason', async () => {
  const agents = team();
  const r = await group({ speakerSelection: 'round_robin' }, agents).run('a', 'hello');
  assert.equal(speakers(r), 'abcabca');
  assert.deepEqual(r.transcript.map((e) => e.message.content), ['hello', 'b1', 'c1', 'a1', 'b2', 'c2', 'a2']);
  assert.equal(r.stopReason, 'max rounds (7) reached');
  for (const a of agents) assert.equal(a.thread('chat_manager').length, 7);
  // b's model saw its own earlier message as assistant and the others as named users
  const seen = (agents[1].options.model as ScriptedModel).calls[1].messages;
  assert.deepEqual(seen.map((m) => `${m.role}:${m.name ?? ''}:${m.content}`), ['user:a:hello', 'assistant::b1', 'user:c:c1', 'user:a:a1']);
});

test('group chat: random selection reproduces the same sequence for the same seed', async () => {
  const run = async (seed: number) => speakers(await group({ speakerSelection: 'random', seed, maxRound: 30 }).run('a', 'go'));
  const s1 = await run(42);
  assert.equal(await run(42), s1);
  assert.notEqual(await run(43), s1);
  for (const n of 'abc') assert.ok(s1.slice(1).includes(n), `${n} never chosen in ${s1}`);
});

test('group chat: auto selection retries a malformed answer, then falls back to round-robin, all traced', async () => {
  const selector = new ScriptedModel(['c', 'I think b should go', 'b', 'zzz', 'yyy', '"a"']);
  const tracer = new MemoryTracer();
  const r = await group({ speakerSelection: 'auto', selectorModel: selector, maxRound: 5 }).run('a', 'go', { tracer });
  // c chosen; b after a retry; fallback after b is c; then "a" (quotes stripped)
  assert.equal(speakers(r), 'acbca');
  assert.equal(selector.calls.length, 6);
  const events = tracer.events.filter((e) => e.type === 'selector_retry' || e.type === 'selector_fallback').map((e) => e.type === 'selector_fallback' ? `fallback:${e.speaker}` : `retry:${e.output}`);
  assert.deepEqual(events, ['retry:I think b should go', 'retry:zzz', 'retry:yyy', 'fallback:c']);
  // the selector's calls count in the run's usage: 4 speaker calls + 6 selector calls
  assert.equal(r.modelCalls, 10);
  assert.match(selector.calls[0].messages.at(-1)?.content ?? '', /choose who speaks next from \[a, b, c\]/);
  assert.equal(selector.calls[2].messages.at(-1)?.content, "'I think b should go' is not exactly one of a, b, c. Reply with exactly one of: a, b, c.");
});

test('group chat: manual selection by name or number, re-asking on bad input', async () => {
  const input = scriptedInput(['2', 'c', 'nobody', 'a']);
  const r = await group({ speakerSelection: 'manual', humanInput: input, maxRound: 4 }).run('a', 'go');
  assert.equal(speakers(r), 'abca');
  assert.equal(input.requests.length, 4);
});

test('group chat: allowed and disallowed transitions are respected', async () => {
  const allowed = { a: ['b'], b: ['c', 'a'], c: ['a'] };
  const r = await group({ speakerSelection: 'random', seed: 3, allowed, maxRound: 40 }).run('a', 'go');
  const s = speakers(r);
  for (let i = 1; i < s.length; i++) assert.ok(allowed[s[i - 1] as 'a'].includes(s[i]), `${s[i - 1]} -> ${s[i]} in ${s}`);
  assert.ok(s.includes('ba') && s.includes('bc'));
  const d = await group({ speakerSelection: 'random', seed: 3, disallowed: { a: ['c'], c: ['c'] }, maxRound: 40 }).run('a', 'go');
  const ds = speakers(d);
  assert.ok(!ds.includes('ac') && !ds.includes('cc'), ds);
  assert.throws(() => group({ allowed: { a: ['zed'] } }), /transition rules name 'zed', which is not a member/);
});

test('group chat: a repeat speaker is refused when repeats are disallowed', async () => {
  const selector = new ScriptedModel(['b', 'b', 'c']);
  const tracer = new MemoryTracer();
  const r = await group({ speakerSelection: 'auto', selectorModel: selector, allowRepeatSpeaker: false, maxRound: 3 }).run('a', 'go', { tracer });
  assert.equal(speakers(r), 'abc');
  assert.deepEqual(tracer.events.filter((e) => e.type === 'selector_retry').map((e) => e.type === 'selector_retry' && e.reason), ["'b' is not exactly one of a, c"]);
  const rr = await group({ speakerSelection: 'random', seed: 9, allowRepeatSpeaker: false, maxRound: 30 }).run('a', 'go');
  assert.ok(!/(.)\1/.test(speakers(rr)), speakers(rr));
});

test('group chat: a single candidate makes no selector call', async () => {
  const selector = new ScriptedModel([]);
  const r = await group({ speakerSelection: 'auto', selectorModel: selector, allowed: { a: ['b'], b: ['c'], c: ['a'] }, maxRound: 6 }).run('a', 'go');
  assert.equal(speakers(r), 'abcabc');
  assert.equal(selector.calls.length, 0);
});

test('group chat: a handoff overrides the selection mode', async () => {
  const agents = team();
  agents[0].registerReply('any', async () => ({ final: true, reply: { content: 'over to c', handoff: 'c' } }));
  const r = await group({ speakerSelection: 'round_robin', maxRound: 5 }, agents).run('b', 'go');
  // round-robin would give b c a b c; a hands off to c instead of b, then round-robin goes on to a
  assert.equal(speakers(r), 'bcaca');
  assert.equal(r.transcript[2].message.handoff, 'c');
});

test('group chat: a member that stops ends the run with its reason', async () => {
  const quitter = new ConversableAgent({ name: 'q' });
  const r = await group({ speakerSelection: 'round_robin' }, [...team(['a']), quitter]).run('a', 'go');
  assert.equal(r.stoppedBy, 'q');
  assert.equal(r.stopReason, 'q has no reply');
});

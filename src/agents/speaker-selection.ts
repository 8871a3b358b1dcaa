// Choosing the next speaker of a group chat: the candidates allowed by the transition rules,
// then round-robin, seeded random, a human (manual) or a selector model (auto). A malformed
// selector answer gets bounded retries, then a logged deterministic fallback (round-robin).
import type { ChatMessage, ChatModel } from '../spec/chat-model.ts';
import { fail } from '../util/errors.ts';
import type { ConversableAgent, HumanInputSource } from './agent.ts';
import type { ChatEntry } from './messages.ts';
import type { SeededRng } from './rng.ts';
import type { RunContext } from './run.ts';

export type SpeakerSelectionMode = 'auto' | 'round_robin' | 'random' | 'manual';

export interface TransitionRules {
  /** If set, the only speakers allowed after each speaker. */
  readonly allowed?: Readonly<Record<string, readonly string[]>>;
  /** Speakers never allowed after each speaker. */
  readonly disallowed?: Readonly<Record<string, readonly string[]>>;
  /** Default true. */
  readonly allowRepeatSpeaker?: boolean;
}

export function candidatesAfter(agents: readonly ConversableAgent[], last: string, rules: TransitionRules): ConversableAgent[] {
  let c = [...agents];
  if (rules.allowed) {
    const ok = rules.allowed[last];
    if (!ok) fail('GroupChat', `allowedTransitions has no entry for '${last}'; expected a list of speakers that may follow it`);
    c = c.filter((a) => ok.includes(a.name));
  }
  const banned = rules.disallowed?.[last] ?? [];
  c = c.filter((a) => !banned.includes(a.name));
  if (rules.allowRepeatSpeaker === false) c = c.filter((a) => a.name !== last);
  if (c.length === 0) fail('GroupChat', `no speaker may follow '${last}' under the transition rules`);
  return c;
}

export function roundRobinAfter(agents: readonly ConversableAgent[], last: string, candidates: readonly ConversableAgent[]): ConversableAgent {
  const start = agents.findIndex((a) => a.name === last);
  for (let i = 1; i <= agents.length; i++) {
    const a = agents[(start + i) % agents.length];
    if (candidates.includes(a)) return a;
  }
  return candidates[0];
}

export interface SelectionContext {
  readonly agents: readonly ConversableAgent[];
  readonly candidates: readonly ConversableAgent[];
  readonly last: string;
  readonly transcript: readonly ChatEntry[];
  readonly run: RunContext;
  readonly rng: SeededRng;
  readonly managerName: string;
  readonly selectorModel?: ChatModel;
  readonly selectorRetries: number;
  readonly humanInput?: HumanInputSource;
}

/** Exact name after trimming quotes, backticks, trailing punctuation; else null. */
export function parseSpeakerName(text: string, candidates: readonly ConversableAgent[]): ConversableAgent | null {
  const t = text.trim().replace(/^["'`*]+|["'`*.!]+$/g, '').trim();
  return candidates.find((a) => a.name === t) ?? null;
}

export async function selectSpeaker(mode: SpeakerSelectionMode, s: SelectionContext): Promise<ConversableAgent> {
  const { candidates } = s;
  if (candidates.length === 1) return candidates[0];
  switch (mode) {
    case 'round_robin':
      return roundRobinAfter(s.agents, s.last, candidates);
    case 'random':
      return candidates[s.rng.int(candidates.length)];
    case 'manual':
      return manualSelect(s);
    case 'auto':
      return autoSelect(s);
  }
}

async function manualSelect(s: SelectionContext): Promise<ConversableAgent> {
  if (!s.humanInput) fail('GroupChat', "speakerSelection 'manual' needs a humanInput source");
  const names = s.candidates.map((a, i) => `${i + 1}. ${a.name}`).join('\n');
  for (let attempt = 0; attempt < 3; attempt++) {
    s.run.tracer.emit({ type: 'input_requested', agent: s.managerName, reason: 'select speaker' });
    const input = (await s.humanInput({ agent: s.managerName, sender: s.last, prompt: `Next speaker:\n${names}\nEnter a name or number: `, reason: 'always' })).trim();
    const byIndex = /^\d+$/.test(input) ? s.candidates[Number(input) - 1] : undefined;
    const pick = byIndex ?? parseSpeakerName(input, s.candidates);
    if (pick) return pick;
  }
  const fallback = roundRobinAfter(s.agents, s.last, s.candidates);
  s.run.tracer.emit({ type: 'selector_fallback', speaker: fallback.name, reason: 'three invalid manual choices' });
  return fallback;
}

async function autoSelect(s: SelectionContext): Promise<ConversableAgent> {
  const model = s.selectorModel;
  if (!model) fail('GroupChat', "speakerSelection 'auto' needs a selectorModel");
  const names = s.candidates.map((a) => a.name);
  const roles = s.agents.map((a) => `${a.name}: ${a.description}`).join('\n');
  const messages: ChatMessage[] = [
    { role: 'system', content: `You coordinate a conversation between these roles:\n${roles}` },
    ...s.transcript.map((e): ChatMessage => ({ role: 'user', name: e.from, content: e.message.content })),
    { role: 'user', content: `Read the conversation above, then choose who speaks next from [${names.join(', ')}]. Reply with the name only.` },
  ];
  for (let attempt = 0; attempt <= s.selectorRetries; attempt++) {
    const r = await model.generate({ messages: [...messages], temperature: 0, signal: s.run.signal });
    s.run.ledger.record(`${s.managerName}.selector`, model.name, r.usage);
    const pick = parseSpeakerName(r.message.content, s.candidates);
    if (pick) return pick;
    const reason = `'${r.message.content.trim().slice(0, 80)}' is not exactly one of ${names.join(', ')}`;
    s.run.tracer.emit({ type: 'selector_retry', output: r.message.content, reason });
    messages.push({ role: 'assistant', content: r.message.content }, { role: 'user', content: `${reason}. Reply with exactly one of: ${names.join(', ')}.` });
  }
  const fallback = roundRobinAfter(s.agents, s.last, s.candidates);
  s.run.tracer.emit({ type: 'selector_fallback', speaker: fallback.name, reason: `no valid name after ${s.selectorRetries + 1} selector calls` });
  return fallback;
}

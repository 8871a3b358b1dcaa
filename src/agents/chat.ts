// Two-agent chats. The loop is driven here rather than by recursive auto-replies so that the
// position (whose turn, how many turns) is a plain value that is checkpointed after every message
// and a killed run resumes exactly where it stopped.
import type { Usage } from '../spec/chat-model.ts';
import { fail } from '../util/errors.ts';
import type { ConversableAgent, HumanInputRequest } from './agent.ts';
import { AwaitingInput } from './human-input.ts';
import { stripMarker, type AgentMessage, type ChatEntry } from './messages.ts';
import { Run, type RunOptions, type RunSnapshot } from './run.ts';
import { anyOf, MaxTurns, type TerminationCondition } from './termination.ts';

export interface ChatOptions extends RunOptions {
  /** One turn is the initiator's message plus the recipient's reply. */
  readonly maxTurns?: number;
  /** Clear both agents' threads with each other first. Default true. */
  readonly clearHistory?: boolean;
  /** `last`: the last message (marker stripped); `reflection`: the initiator's model summarizes. */
  readonly summaryMethod?: 'last' | 'reflection';
}

export interface ChatResult {
  readonly runId: string;
  readonly transcript: readonly ChatEntry[];
  readonly summary: string;
  readonly usage: Usage;
  readonly cost: number;
  readonly modelCalls: number;
  /** Tokens per agent (selector calls are filed under `<manager>.selector`). */
  readonly usageByAgent: Readonly<Record<string, Usage>>;
  readonly stopReason: string;
  /** `awaiting_input` when a human-input source suspended the run; see `pendingInput` and `snapshot`. */
  readonly status: 'finished' | 'awaiting_input';
  readonly pendingInput?: HumanInputRequest;
  /** The state to resume from, when the run is awaiting input. */
  readonly snapshot?: RunSnapshot;
  /** The agent that declined to reply, when the chat ended that way. */
  readonly stoppedBy?: string;
}

interface Position {
  readonly initiator: string;
  readonly recipient: string;
  /** Who must reply next. */
  readonly next: string;
  readonly turns: number;
}

function termination(o: ChatOptions): TerminationCondition | undefined {
  const parts = [o.termination, o.maxTurns !== undefined ? new MaxTurns(o.maxTurns) : undefined].filter((x): x is TerminationCondition => x !== undefined);
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : anyOf(...parts);
}

function deliver(run: Run, from: ConversableAgent, to: ConversableAgent, message: AgentMessage, pos: Position): string | null {
  const entry: ChatEntry = { from: from.name, to: to.name, message };
  from.remember(to.name, entry);
  to.remember(from.name, entry);
  return run.record(entry, pos.turns, pos);
}

export async function initiateChat(initiator: ConversableAgent, recipient: ConversableAgent, message: string | AgentMessage, o: ChatOptions = {}): Promise<ChatResult> {
  if (initiator.name === recipient.name) fail('initiateChat', `initiator and recipient must differ, both are '${initiator.name}'`);
  const run = new Run('chat', [initiator, recipient], { ...o, termination: termination(o) });
  run.tracer.emit({ type: 'run_start', runId: run.runId, resumed: false });
  initiator.resetCounters(recipient.name);
  recipient.resetCounters(initiator.name);
  if (o.clearHistory ?? true) {
    initiator.clearHistory(recipient.name);
    recipient.clearHistory(initiator.name);
  }
  const pos: Position = { initiator: initiator.name, recipient: recipient.name, next: recipient.name, turns: 0 };
  const msg = typeof message === 'string' ? { content: message } : message;
  const reason = deliver(run, initiator, recipient, msg, pos);
  return loop(run, initiator, recipient, pos, reason, o);
}

/** Continues a checkpointed chat, e.g. after its process was killed. */
export async function resumeChat(initiator: ConversableAgent, recipient: ConversableAgent, snapshot: RunSnapshot, o: ChatOptions = {}): Promise<ChatResult> {
  const pos = snapshot.driver as Position;
  if (snapshot.kind !== 'chat' || pos.initiator !== initiator.name || pos.recipient !== recipient.name) {
    fail('resumeChat', `run ${snapshot.runId} is a '${snapshot.kind}' between ${pos.initiator} and ${pos.recipient}, not a chat between ${initiator.name} and ${recipient.name}`);
  }
  const run = new Run('chat', [initiator, recipient], { ...o, runId: snapshot.runId, termination: termination(o) });
  run.restore(snapshot);
  run.tracer.emit({ type: 'run_start', runId: run.runId, resumed: true });
  return loop(run, initiator, recipient, pos, null, o);
}

async function loop(run: Run, a: ConversableAgent, b: ConversableAgent, pos: Position, reason: string | null, o: ChatOptions): Promise<ChatResult> {
  let stoppedBy: string | undefined;
  while (reason === null) {
    const [speaker, peer] = pos.next === b.name ? [b, a] : [a, b];
    const out = await suspendable(() => speaker.generateReply(peer, run));
    if (out instanceof AwaitingInput) return suspended(run, out, pos);
    if (out.reply === null) {
      reason = out.stopReason ?? `${speaker.name} has no reply`;
      stoppedBy = speaker.name;
      break;
    }
    pos = { ...pos, next: peer.name, turns: pos.turns + (speaker === b ? 1 : 0) };
    reason = deliver(run, speaker, peer, out.reply, pos);
  }
  return finishRun(run, reason, await summarize(run, a, b, o.summaryMethod ?? 'last'), stoppedBy);
}

/** Runs `fn`, turning a suspension for human input into a value. */
export async function suspendable<T>(fn: () => Promise<T>): Promise<T | AwaitingInput> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AwaitingInput) return e;
    throw e;
  }
}

export function suspended(run: Run, e: AwaitingInput, driver: unknown): ChatResult {
  run.tracer.emit({ type: 'termination', reason: 'awaiting input' });
  const l = run.ledger.toJSON();
  return {
    runId: run.runId, transcript: run.transcript, summary: '', usage: l.total, cost: l.cost, modelCalls: l.modelCalls, usageByAgent: l.perAgent,
    stopReason: e.message, status: 'awaiting_input', pendingInput: e.request, snapshot: run.snapshot(driver),
  };
}

/** Traces the stop and gathers the result; shared with group chats. */
export function finishRun(run: Run, reason: string, summary: string, stoppedBy: string | undefined): ChatResult {
  run.tracer.emit({ type: 'termination', reason });
  const l = run.ledger.toJSON();
  return {
    runId: run.runId, transcript: run.transcript, summary, usage: l.total, cost: l.cost, modelCalls: l.modelCalls,
    usageByAgent: l.perAgent, stopReason: reason, status: 'finished', ...(stoppedBy ? { stoppedBy } : {}),
  };
}

export function lastText(transcript: readonly ChatEntry[]): string {
  const last = [...transcript].reverse().find((e) => e.message.content.trim() !== '');
  return last ? stripMarker(last.message.content, 'TERMINATE') : '';
}

async function summarize(run: Run, a: ConversableAgent, b: ConversableAgent, method: 'last' | 'reflection'): Promise<string> {
  const model = a.options.model ?? b.options.model;
  if (method === 'last' || !model) return lastText(run.transcript);
  const text = run.transcript.map((e) => `${e.from}: ${e.message.content}`).join('\n');
  const r = await model.generate({ messages: [{ role: 'system', content: 'Summarize the conversation below in a few sentences, keeping every result and decision.' }, { role: 'user', content: text }], signal: run.signal });
  run.ledger.record(a.options.model ? a.name : b.name, model.name, r.usage);
  return r.message.content;
}

export interface SequentialChat extends ChatOptions {
  readonly recipient: ConversableAgent;
  readonly message: string;
}

/** Runs chats one after another; each opening message carries the summaries so far. */
export async function initiateChats(initiator: ConversableAgent, chats: readonly SequentialChat[]): Promise<ChatResult[]> {
  const results: ChatResult[] = [];
  for (const { recipient, message, ...o } of chats) {
    const carry = results.map((r) => r.summary).filter(Boolean);
    const opening = carry.length ? `${message}\nContext:\n${carry.join('\n')}` : message;
    results.push(await initiateChat(initiator, recipient, opening, o));
  }
  return results;
}

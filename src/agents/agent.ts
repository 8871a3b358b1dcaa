// A conversable agent: threads per peer, an ordered stack of reply functions (newest first; the
// first `final` result wins), human-input modes, a per-sender auto-reply counter, and optional
// model, tools and code executor. The default stack is, in evaluation order: termination and
// human input, tool calls, code execution, model reply.
import type { ChatModel } from '../spec/chat-model.ts';
import type { Tool } from '../spec/tool.ts';
import { check } from '../util/errors.ts';
import type { AgentState } from './agent-state.ts';
import type { CodeBlock } from './code-blocks.ts';
import type { CodeExecutor } from './executors/types.ts';
import { endsWithMarker, type AgentMessage, type ChatEntry } from './messages.ts';
import { codeExecutionReply, humanAndTerminationReply, modelReply, toolCallReply } from './reply-functions.ts';
import { Run, type RunContext } from './run.ts';

export type HumanInputMode = 'ALWAYS' | 'TERMINATE' | 'NEVER';

export interface HumanInputRequest {
  readonly agent: string;
  readonly sender: string;
  readonly prompt: string;
  readonly reason: 'always' | 'termination' | 'limit';
}

/** Returns the human's text: '' means "reply automatically", 'exit' ends the chat. */
export type HumanInputSource = (request: HumanInputRequest) => Promise<string>;

export interface ReplyOutcome {
  readonly final: boolean;
  readonly reply: AgentMessage | null;
  readonly stopReason?: string;
}

export interface ReplyContext {
  readonly agent: ConversableAgent;
  readonly sender: ConversableAgent | undefined;
  /** The thread with the sender, oldest first; the last entry is the message being answered. */
  readonly messages: readonly ChatEntry[];
  readonly run: RunContext;
}

export type ReplyFunction = (ctx: ReplyContext) => Promise<ReplyOutcome | null>;

type AgentClass = abstract new (...args: never[]) => ConversableAgent;
export type ReplyTrigger = 'any' | string | ConversableAgent | AgentClass | ((sender: ConversableAgent | undefined) => boolean);

export interface ConversableAgentOptions {
  readonly name: string;
  readonly description?: string;
  readonly systemMessage?: string;
  readonly model?: ChatModel;
  readonly temperature?: number;
  readonly humanInputMode?: HumanInputMode;
  readonly humanInput?: HumanInputSource;
  /** Auto-replies allowed per sender before stopping (or asking, in TERMINATE mode). Default 10. */
  readonly maxConsecutiveAutoReply?: number;
  readonly isTerminationMsg?: (m: AgentMessage) => boolean;
  readonly executor?: CodeExecutor;
  /** How many of the sender's latest messages to scan for code. Default 1. */
  readonly codeLookback?: number;
  readonly codeTimeoutMs?: number;
  /** Runs before any code: true runs it, false refuses (the model is told), a list runs those blocks instead. */
  readonly approveCode?: (blocks: readonly CodeBlock[], agent: string) => Promise<boolean | readonly CodeBlock[]>;
  /** Tools this agent runs when asked. */
  readonly tools?: readonly Tool[];
  /** Tools this agent's model is told about. */
  readonly modelTools?: readonly Tool[];
  /** When this agent both offers and runs a tool, model calls it may make in one reply. Default 5. */
  readonly maxToolIterations?: number;
  /** If set, the model is streamed and each text delta is passed here as it arrives. */
  readonly onToken?: (delta: string, agent: string) => void;
}

interface StackEntry {
  readonly trigger: ReplyTrigger;
  readonly fn: ReplyFunction;
  readonly name: string;
}

export const defaultTermination = (m: AgentMessage): boolean => endsWithMarker(m.content, 'TERMINATE');

export class ConversableAgent {
  readonly name: string;
  readonly description: string;
  readonly threads = new Map<string, ChatEntry[]>();
  readonly counters = new Map<string, number>();
  readonly tools: ReadonlyMap<string, Tool>;
  private readonly stack: StackEntry[] = [];

  constructor(readonly options: ConversableAgentOptions) {
    check(/^[A-Za-z0-9_.-]+$/.test(options.name), 'ConversableAgent', `name must match [A-Za-z0-9_.-]+, got '${options.name}'`);
    this.name = options.name;
    this.description = options.description ?? options.systemMessage?.slice(0, 200) ?? options.name;
    this.tools = new Map((options.tools ?? []).map((t) => [t.name, t]));
    // Registered bottom-up: each registration goes on top of the stack.
    this.registerReply('any', modelReply, { name: 'model' });
    this.registerReply('any', codeExecutionReply, { name: 'code-execution' });
    this.registerReply('any', toolCallReply, { name: 'tool-calls' });
    this.registerReply('any', humanAndTerminationReply, { name: 'termination-and-human-input' });
  }

  get humanInputMode(): HumanInputMode {
    return this.options.humanInputMode ?? 'NEVER';
  }

  get maxConsecutiveAutoReply(): number {
    return this.options.maxConsecutiveAutoReply ?? 10;
  }

  isTermination(m: AgentMessage): boolean {
    const empty = m.content.trim() === '' && !m.toolCalls?.length && !m.toolResults?.length;
    return empty || (this.options.isTerminationMsg ?? (() => false))(m);
  }

  /** Puts `fn` at `position` in the stack (0 = evaluated first). */
  registerReply(trigger: ReplyTrigger, fn: ReplyFunction, o: { position?: number; name?: string } = {}): void {
    this.stack.splice(o.position ?? 0, 0, { trigger, fn, name: o.name ?? (fn.name || 'reply') });
  }

  /** Names of the reply functions in evaluation order. */
  get replyOrder(): string[] {
    return this.stack.map((e) => e.name);
  }

  private matches(t: ReplyTrigger, sender: ConversableAgent | undefined): boolean {
    if (t === 'any') return true;
    if (sender === undefined) return false;
    if (typeof t === 'string') return t === sender.name;
    if (t instanceof ConversableAgent) return t === sender;
    if (t === ConversableAgent || (t as AgentClass).prototype instanceof ConversableAgent) return sender instanceof (t as AgentClass);
    return (t as (s: ConversableAgent | undefined) => boolean)(sender);
  }

  thread(peer: string): ChatEntry[] {
    let t = this.threads.get(peer);
    if (!t) this.threads.set(peer, (t = []));
    return t;
  }

  /** Files a delivered message under the thread with `peer` (an agent or a group). */
  remember(peer: string, entry: ChatEntry): void {
    this.thread(peer).push(entry);
  }

  async generateReply(sender: ConversableAgent | undefined, run: RunContext, threadKey = sender?.name ?? ''): Promise<{ reply: AgentMessage | null; stopReason?: string }> {
    const ctx: ReplyContext = { agent: this, sender, messages: this.thread(threadKey), run };
    for (const e of this.stack) {
      if (!this.matches(e.trigger, sender)) continue;
      const out = await e.fn(ctx);
      if (out?.final) return { reply: out.reply, ...(out.stopReason ? { stopReason: out.stopReason } : {}) };
    }
    return { reply: null, stopReason: `${this.name} has no reply` };
  }

  /**
   * The paper's primitive: files `message` in the thread with `recipient` and delivers it. The
   * recipient replies unless `requestReply` is false, and so on until someone has no reply.
   * initiateChat drives the same exchange as a loop, with checkpoints and a transcript.
   */
  async send(message: string | AgentMessage, recipient: ConversableAgent, o: { requestReply?: boolean; run?: RunContext } = {}): Promise<void> {
    const entry: ChatEntry = { from: this.name, to: recipient.name, message: typeof message === 'string' ? { content: message } : message };
    this.remember(recipient.name, entry);
    await recipient.receive(entry, this, { ...o, run: o.run ?? new Run('direct', []) });
  }

  async receive(entry: ChatEntry, sender: ConversableAgent, o: { requestReply?: boolean; run?: RunContext } = {}): Promise<void> {
    this.remember(sender.name, entry);
    if (o.requestReply === false) return;
    const run = o.run ?? new Run('direct', []);
    const out = await this.generateReply(sender, run);
    if (out.reply !== null) await this.send(out.reply, sender, { run });
  }

  askHuman(request: HumanInputRequest, run: RunContext): Promise<string> {
    run.tracer.emit({ type: 'input_requested', agent: this.name, reason: request.reason });
    check(this.options.humanInput, `ConversableAgent(${this.name})`, `human input mode ${this.humanInputMode} needs a humanInput source`);
    return this.options.humanInput(request);
  }

  /** Resets the auto-reply counter for one peer, or for all. */
  resetCounters(peer?: string): void {
    if (peer === undefined) this.counters.clear();
    else this.counters.delete(peer);
  }

  clearHistory(peer?: string): void {
    if (peer === undefined) this.threads.clear();
    else this.threads.delete(peer);
  }

  saveState(): AgentState {
    return { threads: Object.fromEntries(this.threads), counters: Object.fromEntries(this.counters) };
  }

  loadState(s: AgentState): void {
    this.threads.clear();
    for (const [k, v] of Object.entries(s.threads)) this.threads.set(k, [...v]);
    this.counters.clear();
    for (const [k, v] of Object.entries(s.counters)) this.counters.set(k, v);
  }
}

// A group chat run by a manager: every message is broadcast to all members, the manager picks
// the next speaker (see speaker-selection.ts; a tool handoff overrides the choice), and the run
// stops on its termination condition, `maxRound` messages, or a speaker with no reply.
import type { ChatModel } from '../spec/chat-model.ts';
import { check, fail } from '../util/errors.ts';
import { ConversableAgent, type HumanInputSource } from './agent.ts';
import { finishRun, lastText, suspendable, suspended, type ChatResult } from './chat.ts';
import { AwaitingInput } from './human-input.ts';
import type { AgentMessage, ChatEntry } from './messages.ts';
import { SeededRng } from './rng.ts';
import { Run, type RunOptions, type RunSnapshot } from './run.ts';
import { candidatesAfter, selectSpeaker, type SpeakerSelectionMode, type TransitionRules } from './speaker-selection.ts';

export interface GroupChatOptions extends TransitionRules {
  readonly agents: readonly ConversableAgent[];
  /** The manager's name; members file the group's messages under it. Default `chat_manager`. */
  readonly name?: string;
  readonly speakerSelection?: SpeakerSelectionMode;
  /** Messages in the run, counting the opening one. Default 10. */
  readonly maxRound?: number;
  readonly selectorModel?: ChatModel;
  /** Extra selector calls after a malformed answer. Default 1. */
  readonly selectorRetries?: number;
  /** For `manual` selection. */
  readonly humanInput?: HumanInputSource;
  /** Seed for `random` selection. Default 0. */
  readonly seed?: number;
}

interface GroupPosition {
  readonly group: string;
  readonly last: string;
  readonly rounds: number;
  readonly rng: number;
}

export class GroupChat {
  readonly name: string;
  readonly agents: readonly ConversableAgent[];
  /** The manager as a conversation party: reply triggers see it as the sender. */
  readonly manager: ConversableAgent;

  constructor(readonly options: GroupChatOptions) {
    check(options.agents.length >= 2, 'GroupChat', `agents must hold at least 2 agents, got ${options.agents.length}`);
    const names = new Set(options.agents.map((a) => a.name));
    check(names.size === options.agents.length, 'GroupChat', 'agent names must be unique');
    for (const [from, tos] of Object.entries({ ...options.allowed, ...options.disallowed })) {
      for (const n of [from, ...tos]) check(names.has(n), 'GroupChat', `transition rules name '${n}', which is not a member (${[...names].join(', ')})`);
    }
    this.name = options.name ?? 'chat_manager';
    this.agents = options.agents;
    this.manager = new ConversableAgent({ name: this.name, description: 'group chat manager' });
  }

  private member(name: string): ConversableAgent {
    return this.agents.find((a) => a.name === name) ?? fail('GroupChat', `'${name}' is not a member of ${this.name}`);
  }

  private broadcast(run: Run, from: string, message: AgentMessage, pos: GroupPosition): string | null {
    const entry: ChatEntry = { from, to: this.name, message };
    for (const a of this.agents) a.remember(this.name, entry);
    const maxRound = this.options.maxRound ?? 10;
    const reason = run.record(entry, pos.rounds, pos);
    return reason ?? (run.transcript.length >= maxRound ? `max rounds (${maxRound}) reached` : null);
  }

  /** Starts the chat with `initiator` (a member) saying `message` to the group. */
  async run(initiator: string, message: string | AgentMessage, o: RunOptions = {}): Promise<ChatResult> {
    const from = this.member(initiator);
    const run = new Run('group', this.agents, o);
    run.tracer.emit({ type: 'run_start', runId: run.runId, resumed: false });
    for (const a of this.agents) {
      a.clearHistory(this.name);
      a.resetCounters(this.name);
    }
    const pos: GroupPosition = { group: this.name, last: from.name, rounds: 0, rng: new SeededRng(this.options.seed ?? 0).state };
    const reason = this.broadcast(run, from.name, typeof message === 'string' ? { content: message } : message, pos);
    return this.loop(run, pos, reason);
  }

  async resume(snapshot: RunSnapshot, o: RunOptions = {}): Promise<ChatResult> {
    const pos = snapshot.driver as GroupPosition;
    if (snapshot.kind !== 'group' || pos.group !== this.name) fail('GroupChat.resume', `run ${snapshot.runId} is a '${snapshot.kind}' run, not group chat '${this.name}'`);
    const run = new Run('group', this.agents, { ...o, runId: snapshot.runId });
    run.restore(snapshot);
    run.tracer.emit({ type: 'run_start', runId: run.runId, resumed: true });
    return this.loop(run, pos, null);
  }

  private async loop(run: Run, pos: GroupPosition, reason: string | null): Promise<ChatResult> {
    let stoppedBy: string | undefined;
    const mode = this.options.speakerSelection ?? 'auto';
    while (reason === null) {
      const rng = new SeededRng(pos.rng);
      const lastMsg = run.transcript.at(-1)?.message;
      const handoff = lastMsg?.handoff !== undefined ? this.agents.find((a) => a.name === lastMsg.handoff) : undefined;
      const candidates = candidatesAfter(this.agents, pos.last, this.options);
      const speaker = handoff ?? (await suspendable(() => selectSpeaker(mode, {
        agents: this.agents, candidates, last: pos.last, transcript: run.transcript, run, rng,
        managerName: this.name, selectorModel: this.options.selectorModel, selectorRetries: this.options.selectorRetries ?? 1, humanInput: this.options.humanInput,
      })));
      if (speaker instanceof AwaitingInput) return suspended(run, speaker, pos);
      run.tracer.emit({ type: 'speaker_selected', speaker: speaker.name, mode: handoff ? 'handoff' : mode, candidates: candidates.map((c) => c.name) });
      const out = await suspendable(() => speaker.generateReply(this.manager, run, this.name));
      if (out instanceof AwaitingInput) return suspended(run, out, pos);
      if (out.reply === null) {
        reason = out.stopReason ?? `${speaker.name} has no reply`;
        stoppedBy = speaker.name;
        break;
      }
      pos = { ...pos, last: speaker.name, rounds: pos.rounds + 1, rng: rng.state };
      reason = this.broadcast(run, speaker.name, out.reply, pos);
    }
    return finishRun(run, reason, lastText(run.transcript), stoppedBy);
  }
}

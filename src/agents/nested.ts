// Nested chats: a reply function that runs one or more inner chats in sequence and answers with
// the last inner summary, so the outer thread sees only that summary, never the inner messages.
import type { ConversableAgent, ReplyContext, ReplyTrigger } from './agent.ts';
import { initiateChat, type ChatOptions } from './chat.ts';

export interface NestedChat {
  readonly recipient: ConversableAgent;
  /** Who opens the inner chat; default the agent the reply function belongs to. */
  readonly sender?: ConversableAgent;
  /** The opening message; default the outer message being answered. `carryover` is the previous inner summary. */
  readonly message?: string | ((ctx: ReplyContext, carryover: string) => string);
  readonly maxTurns?: number;
  readonly summaryMethod?: ChatOptions['summaryMethod'];
  readonly termination?: ChatOptions['termination'];
}

export function registerNestedChats(agent: ConversableAgent, trigger: ReplyTrigger, chats: readonly NestedChat[], o: { position?: number } = {}): void {
  agent.registerReply(trigger, async (ctx) => {
    let carryover = '';
    for (const c of chats) {
      const base = typeof c.message === 'function' ? c.message(ctx, carryover) : c.message ?? ctx.messages.at(-1)?.message.content ?? '';
      const opening = typeof c.message === 'function' || !carryover ? base : `${base}\n\nContext:\n${carryover}`;
      const r = await initiateChat(c.sender ?? agent, c.recipient, opening, {
        maxTurns: c.maxTurns, summaryMethod: c.summaryMethod, termination: c.termination,
        tracer: ctx.run.tracer, clock: ctx.run.clock, signal: ctx.run.signal, ledger: ctx.run.ledger, runId: `${ctx.run.runId}.nested`,
      });
      carryover = r.summary;
    }
    return { final: true, reply: { content: carryover } };
  }, { name: 'nested-chats', ...o });
}

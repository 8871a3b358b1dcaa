// What agents pass to each other, and how a thread becomes the message list a model reads:
// the agent's own messages are `assistant`, everyone else's are `user` (or `tool` results).
import type { ChatMessage, ToolCall } from '../spec/chat-model.ts';

export interface ToolResult {
  readonly toolCallId: string;
  readonly name: string;
  readonly content: string;
  readonly isError: boolean;
}

export interface AgentMessage {
  readonly content: string;
  readonly toolCalls?: readonly ToolCall[];
  readonly toolResults?: readonly ToolResult[];
  /** Set when a tool handed control to the named agent. */
  readonly handoff?: string;
}

/** One delivered message: who sent it, to whom (an agent or a group), and what. */
export interface ChatEntry {
  readonly from: string;
  readonly to: string;
  readonly message: AgentMessage;
}

export function textMessage(content: string): AgentMessage {
  return { content };
}

/** Renders a thread for `self`'s model. */
export function threadToChat(thread: readonly ChatEntry[], self: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const e of thread) {
    const m = e.message;
    const own = e.from === self;
    if (m.toolResults?.length && !own) {
      for (const r of m.toolResults) out.push({ role: 'tool', content: r.content, toolCallId: r.toolCallId, name: r.name });
      if (m.content) out.push({ role: 'user', content: m.content, name: e.from });
    } else if (own) {
      const content = m.toolResults?.length ? m.toolResults.map((r) => `${r.name} -> ${r.content}`).join('\n') : m.content;
      out.push({ role: 'assistant', content, ...(m.toolCalls?.length ? { toolCalls: m.toolCalls } : {}) });
    } else {
      const calls = (m.toolCalls ?? []).map((c) => `[call ${c.name}(${c.arguments})]`).join('\n');
      out.push({ role: 'user', content: [m.content, calls].filter(Boolean).join('\n'), name: e.from });
    }
  }
  return out;
}

/** Whole-token marker at the very end of the trimmed content (after optional punctuation). */
export function endsWithMarker(content: string, marker: string): boolean {
  const t = content.trim();
  const esc = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s.!?:;,'"\`*])${esc}[.!]?$`).test(t);
}

/** The content with a trailing marker removed, for showing a final answer. */
export function stripMarker(content: string, marker: string): string {
  const t = content.trim();
  return endsWithMarker(t, marker) ? t.slice(0, t.lastIndexOf(marker)).trim() : t;
}

// Pieces shared by providers: a rough token estimate for fake models, and a stream made from a
// finished response so every provider streams the same way.
import type { ChatMessage, GenerateResponse, StreamEvent, Usage } from '../../spec/chat-model.ts';
import { fail } from '../../util/errors.ts';

/** About four characters per token; only fake models use it, so it need only be deterministic. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function estimateUsage(messages: readonly ChatMessage[], reply: ChatMessage): Usage {
  const promptTokens = messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
  const completionTokens = estimateTokens(reply.content) + (reply.toolCalls ?? []).reduce((n, c) => n + estimateTokens(c.arguments) + 4, 0);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

/** Replays a finished response as word-sized deltas, then `done`. */
export async function* streamResponse(response: GenerateResponse): AsyncGenerator<StreamEvent> {
  for (const piece of response.message.content.match(/\s*\S+|\s+$/g) ?? []) yield { type: 'delta', content: piece };
  for (const [index, c] of (response.message.toolCalls ?? []).entries()) {
    yield { type: 'tool_call_delta', index, id: c.id, name: c.name, arguments: c.arguments };
  }
  yield { type: 'done', response };
}

/** Drains a stream and returns its final response. */
export async function collectStream(events: AsyncIterable<StreamEvent>): Promise<GenerateResponse> {
  for await (const e of events) if (e.type === 'done') return e.response;
  return fail('collectStream', 'the stream ended without a done event');
}

export function throwIfAborted(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) fail(where, 'aborted');
}

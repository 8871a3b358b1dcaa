// Translation between Tessera's ChatModel types and the OpenAI chat-completions wire format.
import type { ChatMessage, FinishReason, GenerateRequest, ToolCall, Usage } from '../../spec/chat-model.ts';

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface WireMessage {
  role: string;
  content: string | null;
  name?: string;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export interface WireCompletion {
  model?: string;
  choices: { message: WireMessage; finish_reason: string | null }[];
  usage?: WireUsage;
}

export interface WireChunk {
  model?: string;
  choices?: { delta: { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] }; finish_reason?: string | null }[];
  usage?: WireUsage | null;
}

export function toWireMessage(m: ChatMessage): WireMessage {
  const w: WireMessage = { role: m.role, content: m.content };
  // OpenAI restricts `name` to [a-zA-Z0-9_-]; other servers ignore it.
  if (m.name) w.name = m.name.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (m.toolCalls?.length) {
    w.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    if (m.content === '') w.content = null;
  }
  if (m.toolCallId) w.tool_call_id = m.toolCallId;
  return w;
}

export function toWireBody(model: string, r: GenerateRequest, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: r.messages.map(toWireMessage) };
  if (r.tools?.length) body.tools = r.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  if (r.temperature !== undefined) body.temperature = r.temperature;
  if (r.maxTokens !== undefined) body.max_tokens = r.maxTokens;
  if (r.stop?.length) body.stop = r.stop;
  if (r.seed !== undefined) body.seed = r.seed;
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

export function fromWireUsage(u: WireUsage | null | undefined): Usage {
  const promptTokens = u?.prompt_tokens ?? 0;
  const completionTokens = u?.completion_tokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: u?.total_tokens ?? promptTokens + completionTokens };
}

export function fromWireFinish(f: string | null | undefined): FinishReason {
  return f === 'length' || f === 'tool_calls' || f === 'content_filter' ? f : f === 'function_call' ? 'tool_calls' : 'stop';
}

export function fromWireToolCalls(calls: WireToolCall[] | undefined): ToolCall[] | undefined {
  if (!calls?.length) return undefined;
  return calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments ?? '' }));
}

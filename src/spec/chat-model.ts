// The ChatModel boundary: how agents reach any language model (remote endpoint, local model,
// replayed fixtures). Types only; bump `ChatModelSpecVersion` on a breaking change.

export type ChatModelSpecVersion = 1;

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** A call the model asks for; `arguments` is the raw JSON text the model wrote. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
  /** Speaker name, for multi-party threads. */
  readonly name?: string;
  /** Present on assistant messages that request tools. */
  readonly toolCalls?: readonly ToolCall[];
  /** Present on tool messages: which call this result answers. */
  readonly toolCallId?: string;
}

/** What the model is told about a tool: parameters as JSON Schema. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export interface GenerateRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

export interface GenerateResponse {
  /** Always role `assistant`. */
  readonly message: ChatMessage;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** The model that answered, as the provider names it. */
  readonly model: string;
}

/** Stream events: text deltas as they arrive, then exactly one `done` with the whole response. */
export type StreamEvent =
  | { readonly type: 'delta'; readonly content: string }
  | { readonly type: 'tool_call_delta'; readonly index: number; readonly id?: string; readonly name?: string; readonly arguments?: string }
  | { readonly type: 'done'; readonly response: GenerateResponse };

export interface ChatModel {
  readonly specVersion: ChatModelSpecVersion;
  /** Model name, used for cost lookup and traces. */
  readonly name: string;
  generate(request: GenerateRequest): Promise<GenerateResponse>;
  stream(request: GenerateRequest): AsyncIterable<StreamEvent>;
}

// A model that answers from a script: a list of replies served in order, or a function of the
// request. Deterministic, offline; the mock behind the ChatModel spec.
import type { ChatMessage, ChatModel, FinishReason, GenerateRequest, GenerateResponse, StreamEvent, ToolCall, Usage } from '../../spec/chat-model.ts';
import { fail } from '../../util/errors.ts';
import { estimateUsage, streamResponse, throwIfAborted } from './common.ts';

export interface ScriptedReply {
  readonly content?: string;
  readonly toolCalls?: readonly ToolCall[];
  readonly usage?: Usage;
  readonly finishReason?: FinishReason;
}

export type ScriptStep = string | ScriptedReply;
export type ScriptFn = (request: GenerateRequest, callIndex: number) => ScriptStep;

export interface ScriptedModelOptions {
  readonly name?: string;
  /** Milliseconds to wait before answering, to make a conversation slow enough to interrupt. */
  readonly delayMs?: number;
}

export class ScriptedModel implements ChatModel {
  readonly specVersion = 1 as const;
  readonly name: string;
  /** Every request received, in order. */
  readonly calls: GenerateRequest[] = [];

  constructor(private readonly script: readonly ScriptStep[] | ScriptFn, private readonly options: ScriptedModelOptions = {}) {
    this.name = options.name ?? 'scripted';
  }

  async generate(request: GenerateRequest): Promise<GenerateResponse> {
    throwIfAborted(request.signal, `ScriptedModel(${this.name})`);
    const index = this.calls.length;
    this.calls.push(request);
    let step: ScriptStep | undefined;
    if (typeof this.script === 'function') step = this.script(request, index);
    else {
      if (index >= this.script.length) fail(`ScriptedModel(${this.name})`, `call #${index + 1} is past the end of the script (${this.script.length} replies)`);
      step = this.script[index];
    }
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    const s: ScriptedReply = typeof step === 'string' ? { content: step } : step ?? {};
    const message: ChatMessage = { role: 'assistant', content: s.content ?? '', ...(s.toolCalls ? { toolCalls: s.toolCalls } : {}) };
    return {
      message,
      usage: s.usage ?? estimateUsage(request.messages, message),
      finishReason: s.finishReason ?? (s.toolCalls?.length ? 'tool_calls' : 'stop'),
      model: this.name,
    };
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
    yield* streamResponse(await this.generate(request));
  }
}

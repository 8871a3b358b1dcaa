// A ChatModel (the agents layer's model boundary) over a local Tessera model: messages rendered by
// the chat template, decoded in this process step by step, yielding to the event loop between
// steps so streams interleave and an abort signal is honoured.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChatModel, GenerateRequest, GenerateResponse, StreamEvent } from '../spec/chat-model.ts';
import type { CausalLm } from '../generation/causal-lm.ts';
import { createSequences, decodeSteps } from '../generation/generate.ts';
import type { SamplingOptions } from '../generation/sampling.ts';
import { ChatTemplate } from './chat-template.ts';
import { loadModelDir, readChatTemplate } from './model-dir.ts';

export interface LocalTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export interface LocalChatModelOptions {
  readonly name: string;
  readonly model: CausalLm;
  readonly tokenizer: LocalTokenizer;
  readonly template?: ChatTemplate;
  /** End-of-text ids. */
  readonly stopTokens?: readonly number[];
  /** Sampling beyond the request's temperature (top-p, penalties, ...). */
  readonly sampling?: SamplingOptions;
  /** max tokens when the request gives none (default 256). */
  readonly defaultMaxTokens?: number;
}

export class LocalChatModel implements ChatModel {
  readonly specVersion = 1 as const;
  readonly name: string;
  private readonly template: ChatTemplate;

  constructor(private readonly o: LocalChatModelOptions) {
    this.name = o.name;
    this.template = o.template ?? new ChatTemplate();
  }

  /** A model folder as served by `tessera serve` (config.json, model.safetensors, tokenizer.json). */
  static fromDir(dir: string, name?: string): LocalChatModel {
    const s = loadModelDir(dir, name);
    const src = readChatTemplate(dir);
    return new LocalChatModel({
      name: s.name, model: s.model, stopTokens: s.stopTokens, template: src ? new ChatTemplate(src) : undefined,
      tokenizer: { encode: (t) => s.tokenizer.encode(t), decode: (ids) => s.tokenizer.decode(ids) },
    });
  }

  async generate(request: GenerateRequest): Promise<GenerateResponse> {
    let done: GenerateResponse | null = null;
    for await (const e of this.stream(request)) if (e.type === 'done') done = e.response;
    return done!;
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
    const abort = (): never => { throw Object.assign(new Error(`${this.name}: generation aborted`), { name: 'AbortError' }); };
    if (request.signal?.aborted) abort();
    const prompt = this.o.tokenizer.encode(this.template.render(request.messages.map((m) => ({ role: m.role, content: m.content }))));
    const [seq] = createSequences(this.o.model, [prompt], {
      ...this.o.sampling, temperature: request.temperature ?? this.o.sampling?.temperature, seed: request.seed,
      maxTokens: request.maxTokens ?? this.o.defaultMaxTokens ?? 256, stopTokens: this.o.stopTokens,
      stopStrings: [...(request.stop ?? []), ...this.template.endOfTurn], decode: (ids) => this.o.tokenizer.decode(ids),
    });
    for (const events of decodeSteps(this.o.model, [seq])) {
      for (const e of events) if (e.text) yield { type: 'delta', content: e.text };
      await nextTurn();
      if (request.signal?.aborted) {
        seq.cancel();
        abort();
      }
    }
    yield {
      type: 'done',
      response: {
        message: { role: 'assistant', content: seq.text }, model: this.name,
        finishReason: seq.finishReason === 'length' ? 'length' : 'stop',
        usage: { promptTokens: prompt.length, completionTokens: seq.tokens.length, totalTokens: prompt.length + seq.tokens.length },
      },
    };
  }
}

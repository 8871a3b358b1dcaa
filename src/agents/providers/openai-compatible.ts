// A ChatModel over any OpenAI-compatible endpoint (Tessera's server, vLLM, Ollama, llama.cpp,
// OpenAI): plain and streamed completions, retries with exponential backoff on 408/409/429/5xx
// and network errors (honouring Retry-After), and a timeout per attempt.
import type { ChatModel, GenerateRequest, GenerateResponse, StreamEvent, ToolCall } from '../../spec/chat-model.ts';
import { fail, TesseraError } from '../../util/errors.ts';
import { fromWireFinish, fromWireToolCalls, fromWireUsage, toWireBody, type WireChunk, type WireCompletion } from './openai-wire.ts';
import { sseData } from './sse.ts';

export interface OpenAICompatibleOptions {
  /** e.g. `http://127.0.0.1:8080/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Per attempt; for streams, the longest silence between chunks. Default 60 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly maxRetries?: number;
  /** First backoff delay; doubles each retry, capped at 30 s. Default 500 ms. */
  readonly retryBaseMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

const WHERE = 'OpenAICompatibleModel';
const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);

class RetryableError extends TesseraError {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(WHERE, message);
  }
}

export class OpenAICompatibleModel implements ChatModel {
  readonly specVersion = 1 as const;
  readonly name: string;
  private readonly url: string;

  constructor(private readonly options: OpenAICompatibleOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) fail(WHERE, `baseUrl must start with http:// or https://, got '${options.baseUrl}'`);
    if (!options.model) fail(WHERE, 'model must be a non-empty string');
    this.name = options.model;
    this.url = options.baseUrl.replace(/\/+$/, '') + '/chat/completions';
  }

  async generate(request: GenerateRequest): Promise<GenerateResponse> {
    return this.withRetries(request.signal, async (signal, idle) => {
      let body: WireCompletion;
      try {
        const text = await (await this.post(toWireBody(this.name, request, false), signal)).text();
        body = parseJson<WireCompletion>(text, `response from ${this.url}`);
      } finally {
        idle.stop();
      }
      const choice = body.choices?.[0];
      if (!choice) fail(WHERE, `response from ${this.url} has no choices`);
      const toolCalls = fromWireToolCalls(choice.message.tool_calls);
      return {
        message: { role: 'assistant', content: choice.message.content ?? '', ...(toolCalls ? { toolCalls } : {}) },
        usage: fromWireUsage(body.usage),
        finishReason: fromWireFinish(choice.finish_reason),
        model: body.model ?? this.name,
      };
    });
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
    // Only the connection is retried: once tokens have been yielded a retry would repeat them.
    const { res, idle } = await this.withRetries(request.signal, async (signal, idleCtl) => ({ res: await this.post(toWireBody(this.name, request, true), signal), idle: idleCtl }));
    if (!res.body) fail(WHERE, `streamed response from ${this.url} has no body`);
    let content = '';
    let finish: string | null | undefined;
    let usage: WireChunk['usage'];
    let model = this.name;
    const calls: { id: string; name: string; arguments: string }[] = [];
    try {
      for await (const data of sseData(res.body as unknown as AsyncIterable<Uint8Array>)) {
        idle.touch();
        if (data.trim() === '[DONE]') break;
        const chunk = parseJson<WireChunk & { error?: { message?: string } }>(data, `stream event from ${this.url}`);
        if (chunk.error) fail(WHERE, `stream error from ${this.url}: ${chunk.error.message ?? JSON.stringify(chunk.error)}`);
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.finish_reason) finish = choice.finish_reason;
        if (choice.delta.content) {
          content += choice.delta.content;
          yield { type: 'delta', content: choice.delta.content };
        }
        for (const d of choice.delta.tool_calls ?? []) {
          const c = (calls[d.index] ??= { id: '', name: '', arguments: '' });
          if (d.id) c.id = d.id;
          if (d.function?.name) c.name += d.function.name;
          if (d.function?.arguments) c.arguments += d.function.arguments;
          yield { type: 'tool_call_delta', index: d.index, id: d.id, name: d.function?.name, arguments: d.function?.arguments };
        }
      }
    } catch (e) {
      if (idle.timedOut) fail(WHERE, `stream from ${this.url} was silent for longer than ${this.timeoutMs} ms`);
      throw e;
    } finally {
      idle.stop();
    }
    const toolCalls: ToolCall[] = calls.filter(Boolean);
    yield {
      type: 'done',
      response: {
        message: { role: 'assistant', content, ...(toolCalls.length ? { toolCalls } : {}) },
        usage: fromWireUsage(usage),
        finishReason: fromWireFinish(finish),
        model,
      },
    };
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 60_000;
  }

  private async post(body: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.options.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(this.url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    } catch (e) {
      if (signal.aborted) throw e;
      throw new RetryableError(`cannot reach ${this.url}: ${(e as Error).message}`);
    }
    if (res.ok) return res;
    const text = (await res.text().catch(() => '')).slice(0, 500);
    const message = `HTTP ${res.status} from ${this.url}: ${text}`;
    if (RETRYABLE.has(res.status)) {
      const ra = Number(res.headers.get('retry-after'));
      throw new RetryableError(message, Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined);
    }
    fail(WHERE, message);
  }

  private async withRetries<T>(outer: AbortSignal | undefined, attempt: (signal: AbortSignal, idle: IdleTimer) => Promise<T>): Promise<T> {
    const maxRetries = this.options.maxRetries ?? 3;
    const base = this.options.retryBaseMs ?? 500;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let i = 0; ; i++) {
      const idle = new IdleTimer(this.timeoutMs, outer);
      try {
        return await attempt(idle.signal, idle);
      } catch (e) {
        idle.stop();
        if (outer?.aborted) fail(WHERE, `aborted: ${String(outer.reason ?? '')}`);
        const timedOut = idle.timedOut;
        const retryable = timedOut || e instanceof RetryableError;
        const message = timedOut ? `request to ${this.url} timed out after ${this.timeoutMs} ms` : (e as Error).message;
        if (!retryable) throw e;
        if (i >= maxRetries) fail(WHERE, `giving up after ${i + 1} attempts: ${message.replace(`${WHERE}: `, '')}`);
        const wait = e instanceof RetryableError && e.retryAfterMs !== undefined ? e.retryAfterMs : Math.min(30_000, base * 2 ** i);
        await sleep(wait);
      }
    }
  }
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fail(WHERE, `${what} is not JSON: ${text.slice(0, 200)}`);
  }
}

/** An abort signal that fires after `ms` without a `touch()`, or when the outer signal fires. */
class IdleTimer {
  private readonly ctl = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  timedOut = false;
  readonly signal: AbortSignal;

  constructor(private readonly ms: number, outer: AbortSignal | undefined) {
    this.signal = outer ? AbortSignal.any([outer, this.ctl.signal]) : this.ctl.signal;
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.ctl.abort(new Error('timeout'));
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

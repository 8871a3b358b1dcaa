// One generation request end to end, shared by /v1/completions and /v1/chat/completions: limits,
// submission to the worker, OpenAI-shaped JSON or SSE chunks, usage, and cancellation when the
// client goes away.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModelWorker } from './model-worker.ts';
import type { DoneOut, RequestOptions, TokenOut } from './protocol.ts';
import type { SamplingFields } from './schemas.ts';
import { sendError } from './errors.ts';

export interface Limits {
  /** Largest max_tokens a request may ask for (also the chat default). */
  readonly maxTokens: number;
  /** Requests generating at once (the worker's batch slots) and waiting beyond them. */
  readonly maxConcurrent: number;
  readonly maxQueue: number;
}

export interface GenerationJob {
  readonly kind: 'completion' | 'chat';
  readonly prompts: readonly (string | readonly number[])[];
  readonly body: SamplingFields;
  readonly maxTokens: number | null | undefined;
  /** Alternatives per token (undefined: no logprobs). */
  readonly logprobs: number | undefined;
  /** Extra stop strings (the chat template's end of turn). */
  readonly stop: readonly string[];
  /** Completions with echo: the prompt text is returned before the completion. */
  readonly echo?: boolean;
}

interface Choice {
  text: string;
  finish: string | null;
  tokens: number;
  readonly lp: TokenOut[];
}

export async function runGeneration(req: FastifyRequest, reply: FastifyReply, worker: ModelWorker, limits: Limits, job: GenerationJob): Promise<FastifyReply> {
  const { body, kind } = job;
  const n = body.n ?? 1;
  const maxTokens = job.maxTokens ?? (kind === 'completion' ? 16 : limits.maxTokens);
  if (maxTokens > limits.maxTokens) return sendError(reply, 400, `max_tokens must be at most ${limits.maxTokens}, got ${maxTokens}`, 'max_tokens');
  if (n * job.prompts.length > worker.info.slots) return sendError(reply, 400, `n × prompts must be at most ${worker.info.slots}, got ${n * job.prompts.length}`, 'n');
  if (worker.inFlight + job.prompts.length > limits.maxConcurrent + limits.maxQueue) {
    return sendError(reply, 429, `the server is at capacity (${limits.maxConcurrent} running, ${limits.maxQueue} queued); retry later`, null, 'rate_limit_exceeded');
  }
  const stops = [...(typeof body.stop === 'string' ? [body.stop] : body.stop ?? []), ...job.stop];
  const options: RequestOptions = {
    maxTokens, temperature: body.temperature ?? undefined, topP: body.top_p ?? undefined, topK: body.top_k && body.top_k > 0 ? body.top_k : undefined,
    minP: body.min_p ?? undefined, repetitionPenalty: body.repetition_penalty ?? undefined, frequencyPenalty: body.frequency_penalty ?? undefined,
    presencePenalty: body.presence_penalty ?? undefined, seed: body.seed ?? undefined, stop: stops, logprobs: job.logprobs, ignoreEos: body.ignore_eos ?? undefined,
  };
  const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = body.model;
  const object = kind === 'chat' ? (body.stream ? 'chat.completion.chunk' : 'chat.completion') : 'text_completion';
  const choices: Choice[] = Array.from({ length: n * job.prompts.length }, () => ({ text: '', finish: null, tokens: 0, lp: [] }));
  const promptTokens: number[] = job.prompts.map(() => 0);
  const wids = job.prompts.map((_, i) => `${id}/${i}`);
  const stream = body.stream === true;
  let finished = false;
  let left = choices.length;

  const frame = (extra: Record<string, unknown>): string => `data: ${JSON.stringify({ id, object, created, model, ...extra })}\n\n`;
  const usage = (): Record<string, number> => {
    const p = promptTokens.reduce((a, b) => a + b, 0);
    const c = choices.reduce((a, ch) => a + ch.tokens, 0);
    return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
  };
  const chunkChoice = (index: number, text: string | null, lp: TokenOut[], finish: string | null, first = false): Record<string, unknown> => kind === 'chat'
    ? { index, delta: finish !== null && text === null ? {} : { ...(first ? { role: 'assistant' } : {}), content: text ?? '' }, logprobs: job.logprobs === undefined ? null : chatLogprobs(lp), finish_reason: finish }
    : { index, text: text ?? '', logprobs: job.logprobs === undefined ? null : completionLogprobs(lp, 0), finish_reason: finish };

  // SSE chunks produced while one worker message is dispatched (a step's token, the finish chunk,
  // usage) leave in one socket write.
  let pendingSse = '';
  const write = (text: string): void => {
    if (pendingSse === '') {
      queueMicrotask(() => {
        if (pendingSse !== '' && !reply.raw.writableEnded && !reply.raw.destroyed) reply.raw.write(pendingSse);
        pendingSse = '';
      });
    }
    pendingSse += text;
  };
  const endStream = (last: string): void => {
    reply.raw.end(pendingSse + last);
    pendingSse = '';
  };
  if (stream) {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    if (kind === 'chat') choices.forEach((_, i) => write(frame({ choices: [chunkChoice(i, '', [], null, true)] })));
    else if (job.echo) job.prompts.forEach((p, pi) => { if (typeof p === 'string') for (let i = 0; i < n; i++) write(frame({ choices: [chunkChoice(pi * n + i, p, [], null)] })); });
  }
  // A client that disconnects before the end cancels its generation in the worker.
  reply.raw.on('close', () => {
    if (!finished) { finished = true; for (const w of wids) worker.cancel(w); }
  });
  req.log.debug({ id, n, prompts: job.prompts.length }, 'generation request');

  return new Promise<FastifyReply>((resolve) => {
    const end = (): void => {
      finished = true;
      if (stream) {
        endStream(`${body.stream_options?.include_usage ? frame({ choices: [], usage: usage() }) : ''}data: [DONE]\n\n`);
        resolve(reply);
        return;
      }
      resolve(reply.send({
        id, object, created, model, usage: usage(),
        choices: choices.map((c, index) => (kind === 'chat'
          ? { index, message: { role: 'assistant', content: c.text }, logprobs: job.logprobs === undefined ? null : chatLogprobs(c.lp), finish_reason: c.finish }
          : { index, text: (job.echo && typeof job.prompts[Math.floor(index / n)] === 'string' ? job.prompts[Math.floor(index / n)] : '') + c.text, logprobs: job.logprobs === undefined ? null : completionLogprobs(c.lp, 0), finish_reason: c.finish })),
      }));
    };
    job.prompts.forEach((prompt, pi) => {
      worker.submit({ type: 'submit', id: wids[pi], prompt, n, options }, {
        onToken(t: TokenOut) {
          if (finished) return;
          const index = pi * n + t.index;
          const ch = choices[index];
          ch.text += t.text;
          if (t.token >= 0) { ch.tokens++; if (job.logprobs !== undefined) ch.lp.push(t); }
          if (stream && (t.text || job.logprobs !== undefined)) write(frame({ choices: [chunkChoice(index, t.text, t.token >= 0 ? [t] : [], null)] }));
        },
        onDone(d: DoneOut) {
          if (finished) return;
          const index = pi * n + d.index;
          choices[index].finish = d.finishReason === 'cancelled' ? 'stop' : d.finishReason;
          promptTokens[pi] = d.promptTokens;
          if (stream) write(frame({ choices: [chunkChoice(index, null, [], choices[index].finish)] }));
          if (--left === 0) end();
        },
        onReject(status: number, message: string, param: string | null) {
          if (finished) return;
          finished = true;
          for (const w of wids) worker.cancel(w);
          if (stream) {
            endStream(`data: ${JSON.stringify({ error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param, code: null } })}\n\ndata: [DONE]\n\n`);
            resolve(reply);
          } else resolve(sendError(reply, status, message, param));
        },
      });
    });
  });
}

function completionLogprobs(lp: readonly TokenOut[], offset: number): Record<string, unknown> {
  let pos = offset;
  const textOffset = lp.map((t) => { const o = pos; pos += t.piece.length; return o; });
  return {
    tokens: lp.map((t) => t.piece), token_logprobs: lp.map((t) => t.logprob ?? null),
    top_logprobs: lp.map((t) => Object.fromEntries((t.top ?? []).map((a) => [a.token, a.logprob]))), text_offset: textOffset,
  };
}

function chatLogprobs(lp: readonly TokenOut[]): Record<string, unknown> {
  const bytes = (s: string): number[] => Array.from(Buffer.from(s, 'utf8'));
  return {
    content: lp.map((t) => ({ token: t.piece, logprob: t.logprob ?? null, bytes: bytes(t.piece), top_logprobs: (t.top ?? []).map((a) => ({ token: a.token, logprob: a.logprob, bytes: bytes(a.token) })) })),
  };
}

// The OpenAI-compatible HTTP server on Fastify: /health, /v1/models, /v1/completions and
// /v1/chat/completions; bearer auth, body and capacity limits, OpenAI-shaped errors for every
// failure, and a graceful close that lets running requests finish.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ModelWorker } from './model-worker.ts';
import { ChatTemplate } from './chat-template.ts';
import { readChatTemplate } from './model-dir.ts';
import { chatRequest, completionRequest, describeIssue } from './schemas.ts';
import { errorBody, sendError } from './errors.ts';
import { runGeneration, type Limits } from './generation-route.ts';
import { check } from '../util/errors.ts';

export interface ServeOptions {
  /** Model folder (config.json, model.safetensors, tokenizer.json). */
  readonly modelDir: string;
  /** Model id in the API (default: the folder's name). */
  readonly modelName?: string;
  /** Bearer token required on /v1/* when set. */
  readonly apiKey?: string;
  /** Largest request body in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Sequences decoded together (batch slots; default 16). */
  readonly maxConcurrent?: number;
  /** Requests waiting beyond the running ones before 429 (default 64). */
  readonly maxQueue?: number;
  /** Largest max_tokens (default 256). */
  readonly maxTokens?: number;
  /** Jinja chat template (default: the model folder's, else ChatML). */
  readonly chatTemplate?: string;
  /** Fastify logging (default off). */
  readonly logger?: boolean;
}

export interface Server {
  readonly app: FastifyInstance;
  readonly worker: ModelWorker;
  /** Stops accepting requests, lets running ones finish, then stops the model worker. */
  close(): Promise<void>;
}

export async function createServer(opts: ServeOptions): Promise<Server> {
  const limits: Limits = { maxTokens: opts.maxTokens ?? 256, maxConcurrent: opts.maxConcurrent ?? 16, maxQueue: opts.maxQueue ?? 64 };
  check(limits.maxConcurrent > 0 && limits.maxQueue >= 0 && limits.maxTokens > 0, 'serve', 'maxConcurrent and maxTokens must be > 0 and maxQueue >= 0');
  const worker = await ModelWorker.start({ dir: opts.modelDir, name: opts.modelName, slots: limits.maxConcurrent });
  const template = new ChatTemplate(opts.chatTemplate ?? readChatTemplate(opts.modelDir));
  const modelId = worker.info.name;
  const app = Fastify({ bodyLimit: opts.bodyLimit ?? 1 << 20, logger: opts.logger ?? false, forceCloseConnections: 'idle' });
  let draining = false;

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const message = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `request body is larger than ${opts.bodyLimit ?? 1 << 20} bytes`
      : err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? `request body is not valid JSON: ${err.message}`
        : status >= 500 ? 'internal server error' : err.message;
    if (status >= 500) app.log.error(err);
    return sendError(reply, status, message, null, err.code ?? null);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `no route ${req.method} ${req.url}`, null, 'not_found'));

  app.addHook('onRequest', async (req, reply) => {
    if (draining && req.url !== '/health') return sendError(reply, 503, 'the server is shutting down', null, 'shutting_down');
    if (opts.apiKey && req.url.startsWith('/v1/') && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendError(reply, 401, 'missing or wrong API key: send Authorization: Bearer <key>', null, 'invalid_api_key');
    }
  });

  app.get('/health', async () => ({ status: draining ? 'draining' : 'ok', model: modelId, in_flight: worker.inFlight }));
  app.get('/v1/models', async () => ({ object: 'list', data: [{ id: modelId, object: 'model', created: 0, owned_by: 'tessera' }] }));
  app.get('/v1/models/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    return id === modelId ? { id, object: 'model', created: 0, owned_by: 'tessera' } : sendError(reply, 404, `the model '${id}' does not exist`, 'model', 'model_not_found');
  });

  const knownModel = (model: string): boolean => model === modelId;

  app.post('/v1/completions', async (req, reply) => {
    const parsed = completionRequest.safeParse(req.body);
    if (!parsed.success) { const d = describeIssue(parsed.error); return sendError(reply, 400, d.message, d.param); }
    const body = parsed.data;
    if (!knownModel(body.model)) return sendError(reply, 404, `the model '${body.model}' does not exist`, 'model', 'model_not_found');
    const prompts = typeof body.prompt === 'string' ? [body.prompt]
      : typeof body.prompt[0] === 'number' ? [body.prompt as number[]] : (body.prompt as string[]);
    return runGeneration(req, reply, worker, limits, {
      kind: 'completion', prompts, body, maxTokens: body.max_tokens, logprobs: body.logprobs ?? undefined, stop: [], echo: body.echo ?? false,
    });
  });

  app.post('/v1/chat/completions', async (req, reply) => {
    const parsed = chatRequest.safeParse(req.body);
    if (!parsed.success) { const d = describeIssue(parsed.error); return sendError(reply, 400, d.message, d.param); }
    const body = parsed.data;
    if (!knownModel(body.model)) return sendError(reply, 404, `the model '${body.model}' does not exist`, 'model', 'model_not_found');
    let prompt: string;
    try {
      prompt = template.render(body.messages.map((m) => ({
        role: m.role, content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text).join(''),
      })));
    } catch (e) {
      return sendError(reply, 400, `the chat template failed on these messages: ${e instanceof Error ? e.message : String(e)}`, 'messages');
    }
    return runGeneration(req, reply, worker, limits, {
      kind: 'chat', prompts: [prompt], body, maxTokens: body.max_completion_tokens ?? body.max_tokens,
      logprobs: body.logprobs ? body.top_logprobs ?? 0 : undefined, stop: template.endOfTurn,
    });
  });

  return {
    app,
    worker,
    async close() {
      draining = true;
      await app.close();
      await worker.close();
    },
  };
}


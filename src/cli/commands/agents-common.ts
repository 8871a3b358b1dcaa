// Options shared by the `tessera agents` commands: the endpoint, the model and where runs go.
import { join } from 'node:path';
import { OpenAICompatibleModel } from '../../agents/providers/openai-compatible.ts';
import { fanOut, JsonlTracer, type Tracer } from '../../agents/tracing.ts';
import { fail } from '../../util/errors.ts';

export const endpointOptions = {
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key-env': { type: 'string', default: 'OPENAI_API_KEY' },
  'timeout-ms': { type: 'string', default: '120000' },
  retries: { type: 'string', default: '3' },
  'runs-dir': { type: 'string', default: 'runs' },
  db: { type: 'string' },
  'no-stream': { type: 'boolean', default: false },
} as const;

export const endpointHelp = `  --base-url URL        OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (required)
  --model NAME          model name sent to the endpoint (required)
  --api-key-env VAR     environment variable holding the API key (default OPENAI_API_KEY; unset is fine)
  --timeout-ms N        per-request timeout (default 120000)
  --retries N           retries on 429/5xx/network errors (default 3)
  --runs-dir DIR        where runs/<id>/trace.jsonl goes (default runs)
  --db PATH             SQLite checkpoint file (default <runs-dir>/agents.db)
  --no-stream           wait for whole replies instead of streaming tokens`;

export interface EndpointValues {
  'base-url'?: string;
  model?: string;
  'api-key-env'?: string;
  'timeout-ms'?: string;
  retries?: string;
  'runs-dir'?: string;
  db?: string;
  'no-stream'?: boolean;
}

function positiveInt(where: string, flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(where, `--${flag} must be a non-negative integer, got '${v}'`);
  return n;
}

export function modelFromFlags(where: string, v: EndpointValues): OpenAICompatibleModel {
  if (!v['base-url']) fail(where, '--base-url is required (an OpenAI-compatible endpoint such as http://127.0.0.1:8080/v1)');
  if (!v.model) fail(where, '--model is required');
  return new OpenAICompatibleModel({
    baseUrl: v['base-url'],
    model: v.model,
    apiKey: process.env[v['api-key-env'] ?? 'OPENAI_API_KEY'] || undefined,
    timeoutMs: positiveInt(where, 'timeout-ms', v['timeout-ms']),
    maxRetries: positiveInt(where, 'retries', v.retries),
  });
}

export function dbPath(v: EndpointValues): string {
  return v.db ?? join(v['runs-dir'] ?? 'runs', 'agents.db');
}

/** Writes the trace file and prints each message once: streamed replies as they arrive, the rest whole. */
export function cliTracer(v: EndpointValues, runId: string, print: (text: string) => void, streaming: boolean): { tracer: Tracer; path: string } {
  const file = new JsonlTracer(v['runs-dir'] ?? 'runs', runId);
  let streamed = false;
  const printer: Tracer = {
    emit(e) {
      if (e.type === 'model_call_start' && streaming) print(`\n[${e.agent}]\n`);
      if (e.type === 'model_call_end' && streaming) streamed = true;
      if (e.type === 'message') {
        if (!streamed) print(`\n[${e.from} -> ${e.to}]\n${e.content}${e.toolCalls ? `\n(${e.toolCalls} tool calls)` : ''}\n`);
        else print('\n');
        streamed = false;
      }
      if (e.type === 'speaker_selected') print(`\n(next speaker: ${e.speaker})`);
      if (e.type === 'code_execution') print(`\n(ran ${e.blocks} code block(s) in the ${e.executor} executor: exit ${e.exitCode})`);
    },
  };
  return { tracer: fanOut(file, printer), path: file.path };
}

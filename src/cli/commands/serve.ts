import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { fail } from '../../util/errors.ts';

const help = `Usage: tessera serve <model-dir> [options]

Serves a model folder (config.json, model.safetensors, tokenizer.json, optional
tokenizer_config.json with a chat_template) over an OpenAI-compatible HTTP API:
GET /health, GET /v1/models, POST /v1/completions, POST /v1/chat/completions (SSE with "stream": true).

Options:
  --host <addr>          listen address (default 127.0.0.1)
  --port <n>             port (default 8000; 0 picks a free one)
  --name <id>            model id in the API (default: the folder name)
  --api-key <key>        require "Authorization: Bearer <key>" on /v1/* (or TESSERA_API_KEY)
  --max-concurrent <n>   sequences decoded together, continuous batching (default 16)
  --max-queue <n>        requests waiting beyond those before 429 (default 64)
  --max-tokens <n>       largest max_tokens a request may ask for (default 256)
  --body-limit <bytes>   largest request body (default 1048576)
  --chat-template <file> Jinja chat template (default: the folder's, else ChatML)
  --log                  log requests

SIGINT/SIGTERM stop accepting requests, let running ones finish, then exit.`;

function int(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fail('serve', `--${name} must be a non-negative integer, got '${v}'`);
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve a model over an OpenAI-compatible HTTP API',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        host: { type: 'string' }, port: { type: 'string' }, name: { type: 'string' }, 'api-key': { type: 'string' },
        'max-concurrent': { type: 'string' }, 'max-queue': { type: 'string' }, 'max-tokens': { type: 'string' },
        'body-limit': { type: 'string' }, 'chat-template': { type: 'string' }, log: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) fail('serve', `expected one model folder, got ${positionals.length} (see tessera serve --help)`);
    const port = int(values.port, 'port', 8000);
    const options = {
      modelDir: positionals[0], modelName: values.name, apiKey: values['api-key'] ?? process.env.TESSERA_API_KEY,
      maxConcurrent: int(values['max-concurrent'], 'max-concurrent', 16), maxQueue: int(values['max-queue'], 'max-queue', 64),
      maxTokens: int(values['max-tokens'], 'max-tokens', 256), bodyLimit: int(values['body-limit'], 'body-limit', 1 << 20),
      chatTemplate: values['chat-template'] ? readFileSync(values['chat-template'], 'utf8') : undefined, logger: values.log ?? false,
    };
    // Loaded here so other commands do not pay for the HTTP stack at startup.
    const { createServer } = await import('../../serve/server.ts');
    const server = await createServer(options);
    let address: string;
    try {
      address = await server.app.listen({ host: values.host ?? '127.0.0.1', port });
    } catch (e) {
      await server.close();
      throw e;
    }
    console.log(`tessera serve: model '${server.worker.info.name}' at ${address}/v1`);
    await new Promise<void>((resolve) => {
      const stop = (sig: string): void => {
        console.log(`tessera serve: ${sig}, finishing running requests`);
        void server.close().then(resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};

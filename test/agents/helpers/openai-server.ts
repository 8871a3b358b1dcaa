// A loopback HTTP server that speaks the OpenAI chat-completions protocol from a script of
// replies: JSON bodies, SSE streams, error statuses and delays. It keeps every request body.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FixtureReply =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { json: unknown; delayMs?: number }
  | { sse: unknown[]; delayMs?: number; chunkDelayMs?: number };

export interface FixtureServer {
  readonly baseUrl: string;
  readonly requests: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFixtureServer(reply: (body: Record<string, unknown>, index: number) => FixtureReply): Promise<FixtureServer> {
  const requests: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end('not found');
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push(body);
      const r = reply(body, requests.length - 1);
      if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
      if (res.destroyed) return;
      if ('status' in r) {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers }).end(r.body ?? '{"error":{"message":"fixture error"}}');
      } else if ('json' in r) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r.json));
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const chunk of r.sse) {
          if (r.chunkDelayMs) await new Promise((ok) => setTimeout(ok, r.chunkDelayMs));
          if (res.destroyed) return;
          res.write(`data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`);
        }
        res.end();
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

/** A chat.completion body as an OpenAI server sends it. */
export function completion(content: string | null, o: { toolCalls?: { id: string; name: string; arguments: string }[]; prompt?: number; completion?: number } = {}): unknown {
  return {
    id: 'chatcmpl-fixture', object: 'chat.completion', model: 'fixture-model',
    choices: [{ index: 0, finish_reason: o.toolCalls ? 'tool_calls' : 'stop', message: { role: 'assistant', content, ...(o.toolCalls ? { tool_calls: o.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}) } }],
    usage: { prompt_tokens: o.prompt ?? 10, completion_tokens: o.completion ?? 5, total_tokens: (o.prompt ?? 10) + (o.completion ?? 5) },
  };
}

/** The same reply as chat.completion.chunk events: content split in pieces, then usage, then [DONE]. */
export function completionChunks(pieces: string[], o: { prompt?: number; completion?: number } = {}): unknown[] {
  const base = { id: 'chatcmpl-fixture', object: 'chat.completion.chunk', model: 'fixture-model' };
  return [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...pieces.map((p) => ({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    { ...base, choices: [], usage: { prompt_tokens: o.prompt ?? 10, completion_tokens: o.completion ?? pieces.length, total_tokens: (o.prompt ?? 10) + (o.completion ?? pieces.length) } },
    '[DONE]',
  ];
}

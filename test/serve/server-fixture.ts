// Starts the server on loopback with the committed fixture model.
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type ServeOptions } from '../../src/serve/server.ts';
import { fixtureDir } from '../generation/fixture.ts';

export interface Running {
  readonly url: string;
  readonly server: Server;
}

export async function startServer(opts: Partial<ServeOptions> = {}, model: 'target' | 'draft' = 'target'): Promise<Running> {
  const server = await createServer({ modelDir: fixtureDir + model, modelName: 'tiny', ...opts });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fixtureDir } from '../generation/fixture.ts';

const bin = new URL('../../bin/tessera.mjs', import.meta.url).pathname;

test('tessera serve: --help, a bad option, then serving and a graceful SIGTERM', async () => {
  const help = spawnSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: tessera serve <model-dir>/);
  const bad = spawnSync(process.execPath, [bin, 'serve', fixtureDir + 'target', '--port', 'x'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /serve: --port must be a non-negative integer, got 'x'/);

  const child = spawn(process.execPath, [bin, 'serve', fixtureDir + 'target', '--port', '0', '--name', 'tiny'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 300 && !/\/v1/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const base = /at (http:\/\/[^\s]+)\/v1/.exec(out)?.[1];
  assert.ok(base, `server address in: ${out}`);
  const health = await (await fetch(`${base}/health`)).json() as { status: string; model: string };
  assert.deepEqual([health.status, health.model], ['ok', 'tiny']);
  const r = await fetch(`${base}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny', prompt: 'We', max_tokens: 3 }) });
  assert.equal(((await r.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens, 3);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(out, /SIGTERM, finishing running requests/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/agents/state/sqlite-store.ts';
import { parseTeamFile } from '../../src/agents/team-file.ts';
import { startReplayServer } from './helpers/replay-server.ts';

const root = join(import.meta.dirname, '..', '..');
const fixture = join(import.meta.dirname, 'fixtures', 'e2e-code-chat.json');
const question = 'What is the sum of the squares of the integers 1 to 10? Compute it with code.';

function tessera(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((ok) => {
    const p = spawn(process.execPath, [join(root, 'bin', 'tessera.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('close', (code) => ok({ code, out, err }));
  });
}

test('cli: agents run executes a team file against an endpoint and checkpoints every message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  const team = join(dir, 'team.json');
  writeFileSync(team, JSON.stringify({
    kind: 'chat', initiator: 'user', recipient: 'assistant', message: question,
    agents: [{ name: 'user', role: 'user_proxy', humanInput: 'NEVER', executor: 'sandboxed' }, { name: 'assistant', role: 'assistant' }],
  }));
  const server = await startReplayServer(fixture);
  try {
    const r = await tessera(['agents', 'run', team, '--base-url', server.baseUrl, '--model', 'fixture-assistant', '--runs-dir', dir, '--run-id', 'cli-1', '--no-stream']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /stop: user: termination message received/);
    assert.match(r.out, /messages: 4; tokens: 329 in 2 model calls/);
    assert.match(r.out, /Code output:\n385/);
    const store = new SqliteStore(join(dir, 'agents.db'));
    assert.deepEqual(store.messages('cli-1').map((e) => e.from), ['user', 'assistant', 'user', 'assistant']);
    store.close();
    assert.ok(existsSync(join(dir, 'cli-1', 'trace.jsonl')));
  } finally {
    await server.close();
  }
});

test('cli: agents chat streams the assistant tokens to the terminal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  const server = await startReplayServer(fixture);
  try {
    const r = await tessera(['agents', 'chat', '--base-url', server.baseUrl, '--model', 'fixture-assistant', '--runs-dir', dir, '--message', question, '--human-input', 'NEVER']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\[assistant\]\nThe sum of the squares of 1 to 10 is 385\. TERMINATE/);
    assert.match(r.out, /ran 1 code block\(s\) in the sandboxed executor: exit 0/);
    assert.equal(server.requests[0].stream, true);
    const trace = readFileSync(r.out.match(/trace (\S+)\)/)![1], 'utf8').trim().split('\n');
    assert.equal(trace.filter((l) => JSON.parse(l).type === 'model_call_end').length, 2);
  } finally {
    await server.close();
  }
});

test('cli: bad flags and team files are refused with the field named', async () => {
  const r = await tessera(['agents', 'chat', '--model', 'x']);
  assert.equal(r.code, 1);
  assert.match(r.err, /agents chat: --base-url is required/);
  assert.throws(() => parseTeamFile('{"kind":"chat","agents":[{"name":"a"},{"name":"b"}],"initiator":"zed","recipient":"a"}'), /'zed' is not one of the agents \(a, b\)/);
  assert.throws(() => parseTeamFile('{"kind":"party","agents":[],"initiator":"a"}'), /team file is invalid:[\s\S]*kind/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initiateChat, resumeChat } from '../../src/agents/chat.ts';
import { MemoryStore } from '../../src/agents/state/memory-store.ts';
import { SqliteStore } from '../../src/agents/state/sqlite-store.ts';
import { lines, scriptedAgent } from './helpers/setup.ts';

const child = join(import.meta.dirname, 'helpers', 'resume-child.ts');

function start(db: string, runId: string, mode: string, delayMs: number) {
  const p = spawn(process.execPath, ['--import', 'tsx', child, db, runId, mode, String(delayMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (c) => (out += c));
  p.stderr.on('data', (c) => (err += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((ok) => p.on('close', (code, signal) => ok({ code, signal, out, err })));
  return { p, done };
}

test('resume after SIGKILL mid-conversation gives the same transcript as an uninterrupted run', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-resume-'));
  const straight = await start(join(dir, 'straight.db'), 'run-1', 'fresh', 0).done;
  assert.equal(straight.code, 0, straight.err);
  const expected = JSON.parse(straight.out) as { transcript: unknown[]; stopReason: string };
  assert.equal(expected.transcript.length, 10);
  assert.equal(expected.stopReason, 'max rounds (10) reached');

  const db = join(dir, 'killed.db');
  const victim = start(db, 'run-1', 'fresh', 200);
  const watcher = new SqliteStore(db);
  let seen = 0;
  while (seen < 4) {
    await new Promise((ok) => setTimeout(ok, 20));
    seen = watcher.messages('run-1').length;
  }
  victim.p.kill('SIGKILL');
  const killed = await victim.done;
  assert.equal(killed.signal, 'SIGKILL');
  const atKill = watcher.messages('run-1').length;
  assert.ok(atKill >= 4 && atKill < 10, `killed after ${atKill} messages`);
  watcher.close();

  const resumed = await start(db, 'run-1', 'resume', 0).done;
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(resumed.out, straight.out);
  const after = new SqliteStore(db);
  assert.deepEqual(after.messages('run-1'), expected.transcript);
  after.close();
});

test('a two-agent chat resumed from any checkpoint continues identically', async () => {
  const make = () => [scriptedAgent('a', (i) => `a${i}`), scriptedAgent('b', (i) => `b${i}`)] as const;
  const [a, b] = make();
  const store = new MemoryStore();
  const full = await initiateChat(a, b, 'hi', { runId: 'r', store, maxTurns: 4 });
  assert.equal(full.transcript.length, 8);
  for (const at of [1, 4, 5]) {
    // Fresh agents whose models are already at the checkpoint's call count.
    const [a2, b2] = [scriptedAgent('a', (i) => `a${i + Math.floor((at - 1) / 2)}`), scriptedAgent('b', (i) => `b${i + Math.floor(at / 2)}`)];
    const r = await resumeChat(a2, b2, store.load('r', at)!, { maxTurns: 4 });
    assert.deepEqual(lines(r.transcript), lines(full.transcript), `resumed at ${at}`);
    assert.equal(r.stopReason, full.stopReason);
  }
});

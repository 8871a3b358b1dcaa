import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../generation/fixture.ts';
import { speculativeDecodingOnFixtures } from '../../src/reproduce/speculative-decoding.ts';
import { runReproduction } from '../../src/reproduce/run.ts';
import { expectedTokens } from '../../src/generation/speculative-math.ts';

test('tessera reproduce speculative-decoding --quick: exactness and formula claims pass, report written', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tessera-sd-'));
  const rep = speculativeDecodingOnFixtures;
  const { report, files } = await runReproduction(rep, { quick: true, log: () => {}, outRoot: out });
  const byId = new Map(report.claims.map((c) => [c.id, c]));
  for (const id of ['S-8.1', 'S-8.6', 'S-8.7', 'S-1.1', 'S-1.6', 'S-3']) assert.equal(byId.get(id)?.pass, true, `${id}: ${JSON.stringify(byId.get(id))}`);
  assert.equal(byId.get('S-8.4')?.measured, 3.69);
  // tokens per pass follows the formula from the measured α (loose bound for the short profile)
  const speed = report.tables[0];
  for (const row of speed.rows) {
    const [, gamma, alpha, perPass] = row.map(Number);
    assert.ok(Math.abs(perPass / expectedTokens(alpha, gamma) - 1) < 0.25, `tokens per pass ${perPass} vs formula at α=${alpha}, γ=${gamma}`);
  }
  assert.equal(speed.rows.length, 8);
  for (const f of ['report.md', 'results.json', 'speedup.svg', 'verify-cost.svg', 'tokens-per-pass.svg']) assert.ok(existsSync(join(out, 'speculative-decoding', f)), f);
  const results = JSON.parse(readFileSync(join(out, 'speculative-decoding', 'results.json'), 'utf8')) as { claims: unknown[] };
  assert.equal(results.claims.length, report.claims.length);
  assert.ok(files.length >= 5);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { absClaim, relClaim, renderMarkdown, writeReport, type Report } from '../../src/reproduce/report.ts';
import { ReproductionRegistry } from '../../src/reproduce/registry.ts';
import { builtinReproductions } from '../../src/reproduce/register.ts';

const report: Report = {
  name: 'demo', title: 'Demo paper', paper: 'A. Author, Demo (2026)', summary: 'A small check.',
  claims: [
    relClaim({ id: 'speed', claim: 'speedup', paper: 2, measured: 1.9 }, 0.1),
    absClaim({ id: 'days', claim: 'days', paper: 90, measured: 91.5 }, 1, 'day'),
  ],
  tables: [{ title: 'Numbers', columns: ['a', 'b|c'], rows: [[1, 'x|y']] }],
  plots: [{ name: 'line', title: 'A line', spec: { data: { values: [{ x: 1, y: 2 }, { x: 2, y: 4 }, { x: 3, y: 5 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative', title: 'the x axis' }, y: { field: 'y', type: 'quantitative' } } } }],
  notes: ['One calibration constant.'],
};

test('report: claims check relative and absolute tolerances', () => {
  assert.equal(report.claims[0]!.pass, true);
  assert.equal(report.claims[0]!.tolerance, '±10 %');
  assert.equal(report.claims[1]!.pass, false);
  assert.equal(relClaim({ id: 'e', claim: 'exact', paper: 660, measured: 660 }, 0).pass, true);
  assert.equal(relClaim({ id: 'e', claim: 'exact', paper: 660, measured: 661 }, 0).pass, false);
});

test('report: writes report.md headed by the claims, results.json and a rendered SVG', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-')), 'demo');
  const files = await writeReport(dir, report);
  assert.deepEqual(readdirSync(dir).sort(), ['line.svg', 'report.md', 'results.json']);
  assert.equal(files.length, 3);
  const md = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.ok(md.startsWith('# Demo paper\n'));
  assert.ok(md.indexOf('## Claims: 1 of 2 pass — FAILED') < md.indexOf('## Numbers'));
  assert.match(md, /\| pass \| speed \| speedup \| 2 \| 1\.9 \| ±10 % \|/);
  assert.match(md, /\| \*\*FAIL\*\* \| days \|/);
  assert.match(md, /\| 1 \| x\\\|y \|/);
  assert.match(md, /!\[A line\]\(line\.svg\)/);
  const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { pass: boolean; claims: { id: string; pass: boolean }[] };
  assert.equal(json.pass, false);
  assert.deepEqual(json.claims.map((c) => [c.id, c.pass]), [['speed', true], ['days', false]]);
  const svg = readFileSync(join(dir, 'line.svg'), 'utf8');
  assert.ok(svg.startsWith('<svg'));
  assert.match(svg, /the x axis/);
  assert.equal(renderMarkdown(report), md);
});

test('registry: registers, lists sorted, refuses duplicates and names the known reproductions', async () => {
  const reg = new ReproductionRegistry();
  const make = (name: string) => ({ name, title: name, summary: name, run: async () => report });
  reg.register(make('zeta'));
  reg.register(make('alpha'));
  assert.deepEqual(reg.list().map((r) => r.name), ['alpha', 'zeta']);
  assert.throws(() => reg.register(make('alpha')), /already registered/);
  assert.throws(() => reg.register(make('Bad Name')), /kebab-case/);
  assert.throws(() => reg.get('nope'), /unknown reproduction 'nope', expected one of: alpha, zeta/);
  assert.equal((await reg.get('zeta').run({ quick: true, log: () => {} })).name, 'demo');
  assert.ok(builtinReproductions().list().some((r) => r.name === 'planner'));
});

#!/usr/bin/env node
// The README's test command: type check, layer lint, code-line count per layer, then every test
// file under test/ with node's test runner. `npm test -- <substring>` runs only matching files.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyTests = args.includes('--only-tests');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir, keep) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) out = out.concat(walk(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out.sort();
}

function run(label, cmd, cmdArgs) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`== ${label} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

const bin = (name) => join(root, 'node_modules', '.bin', name);

if (!onlyTests) {
  run('type check (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', '.']);
  run('layer lint (dependency-cruiser)', bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs']);
  console.log('\n== code lines per layer (src/, non-blank, non-comment)');
  const counts = {};
  for (const f of walk(join(root, 'src'), (p) => p.endsWith('.ts'))) {
    const layer = relative(join(root, 'src'), f).split('/')[0];
    const key = layer.endsWith('.ts') ? '(root)' : layer;
    const lines = readFileSync(f, 'utf8').split('\n').filter((l) => {
      const t = l.trim();
      return t !== '' && !t.startsWith('//') && !t.startsWith('*') && !t.startsWith('/*');
    }).length;
    counts[key] = (counts[key] ?? 0) + lines;
  }
  let total = 0;
  for (const [k, v] of Object.entries(counts).sort()) {
    console.log(`  ${k.padEnd(14)} ${String(v).padStart(7)}`);
    total += v;
  }
  console.log(`  ${'total'.padEnd(14)} ${String(total).padStart(7)}`);
}

const files = walk(join(root, 'test'), (p) => p.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
run(`tests (${files.length} files)`, process.execPath, ['--import', 'tsx', '--test', '--test-reporter', 'spec', ...files]);

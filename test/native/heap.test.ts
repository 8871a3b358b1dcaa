// Large freed buffers stay in the heap for the next step (native/src/heap.c) on glibc, unless
// TESSERA_HEAP=0; the setting is process-wide, so each case runs in its own process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { addon } from './helpers.ts';

const root = new URL('../..', import.meta.url).pathname;
const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
const header = report?.header;
const glibc = Boolean(header?.glibcVersionRuntime);

function heapReuse(env: Record<string, string>): boolean {
  const script = `
    const { loadNativeAddon } = await import('./src/backends/native/index.ts');
    console.log(JSON.stringify(loadNativeAddon().info().heapReuse));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim()) as boolean;
}

test('native heap reuse is on by default on glibc and off with TESSERA_HEAP=0', { skip: addon === null ? 'no native addon' : false }, () => {
  assert.equal(heapReuse({ TESSERA_HEAP: '' }), glibc);
  assert.equal(heapReuse({ TESSERA_HEAP: '0' }), false);
});

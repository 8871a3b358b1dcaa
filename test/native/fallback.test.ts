// Without the compiled addon Tessera runs on the reference backend and says so once, with the
// reason the build left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeNativeAddon } from '../../src/backends/native/index.ts';

const root = new URL('../..', import.meta.url).pathname;

test('a failed build leaves its reason, and the loader reports it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-native-'));
  try {
    assert.match(probeNativeAddon(dir).reason, /no compiled addon at .*tessera_native\.node \(run npm install\)/);
    writeFileSync(join(dir, 'native-status.json'), JSON.stringify({ ok: false, reason: 'native build failed: gcc: not found' }));
    assert.deepEqual(probeNativeAddon(dir), { addon: null, reason: 'native build failed: gcc: not found' });
    mkdirSync(join(dir, 'Release'));
    writeFileSync(join(dir, 'Release', 'tessera_native.node'), 'not a shared object');
    const p = probeNativeAddon(dir);
    assert.equal(p.addon, null);
    assert.match(p.reason, /^loading .*tessera_native\.node failed: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without the addon the reference backend is active and the reason is printed once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-native-'));
  try {
    writeFileSync(join(dir, 'native-status.json'), JSON.stringify({ ok: false, reason: 'native build failed: make: cc: No such file' }));
    const script = `
      const T = await import('./src/index.ts');
      T.registerDefaultBackends();
      const { registerNative } = await import('./src/backends/native/register.ts');
      registerNative();
      console.log(JSON.stringify({ active: T.getBackend(), backends: T.listBackends(), sum: T.tensor([1, 2, 3]).sum().item() }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, env: { ...process.env, TESSERA_NATIVE_DIR: dir, TESSERA_BACKEND: '' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { active: 'reference', backends: ['reference'], sum: 6 });
    const warnings = r.stderr.split('\n').filter((l) => l.includes('native backend unavailable'));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(warnings[0], /tessera: native backend unavailable \(native build failed: make: cc: No such file\); running on the reference backend/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

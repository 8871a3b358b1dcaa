#!/usr/bin/env node
// `npm install` step: compiles the native kernels with node-gyp (bundled with npm). A failed
// build never fails the install: the reason is written to build/native-status.json, and
// Tessera runs on the reference backend and says why, once, when it first loads.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const statusFile = join(root, 'build', 'native-status.json');

function writeStatus(status) {
  mkdirSync(join(root, 'build'), { recursive: true });
  const tmp = `${statusFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(tmp, statusFile);
}

if (process.env.TESSERA_SKIP_NATIVE_BUILD === '1') {
  writeStatus({ ok: false, reason: 'the build was skipped (TESSERA_SKIP_NATIVE_BUILD=1)' });
  process.exit(0);
}

// npm tells scripts where its node-gyp is; outside npm fall back to the one on PATH.
const gyp = process.env.npm_config_node_gyp;
const cmd = gyp ? process.execPath : 'node-gyp';
const args = gyp ? [gyp, 'rebuild'] : ['rebuild'];
const started = Date.now();
const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
if (r.status === 0) {
  writeStatus({ ok: true, seconds: (Date.now() - started) / 1000 });
  console.log('tessera: native kernels built');
} else {
  const lines = output.split('\n').filter((l) => /error|not found|ERR!/i.test(l)).slice(0, 8);
  const why = r.error ? String(r.error.message) : lines[0] ?? `node-gyp exited with ${r.status}`;
  writeStatus({ ok: false, reason: `native build failed: ${why.trim()}`, details: lines });
  console.warn(`tessera: native kernels could not be built (${why.trim()}); Tessera will run on the reference backend`);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenFile, readTokenMeta, writeTokenFile } from '../../src/data/index.ts';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tess-tokens-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('token file: uint16 and uint32 packing round trip, EOT after each document, sidecar', () => {
  withDir((dir) => {
    for (const [vocabSize, width] of [[300, 2], [65536, 2], [70000, 4]] as const) {
      const docs = [[1, 2, 3], [], [vocabSize - 2, 0, 5]];
      const eot = vocabSize - 1;
      const path = join(dir, `t${vocabSize}.bin`);
      const meta = writeTokenFile(path, docs, vocabSize, eot);
      const flat = [1, 2, 3, eot, eot, vocabSize - 2, 0, 5, eot];
      assert.deepEqual(meta, { format: 'tessera-tokens', version: 1, dtype: width === 2 ? 'uint16' : 'uint32', vocabSize, tokenCount: 9, documents: 3, eotId: eot });
      assert.deepEqual(readTokenMeta(path), meta);
      assert.equal(statSync(path).size, 9 * width);
      // Little-endian raw ids on disk.
      const raw = readFileSync(path);
      assert.deepEqual(flat, Array.from({ length: 9 }, (_, i) => (width === 2 ? raw.readUInt16LE(2 * i) : raw.readUInt32LE(4 * i))));
      const f = new TokenFile(path);
      assert.deepEqual(Array.from(f.readAll()), flat);
      assert.deepEqual(Array.from(f.read(3, new Int32Array(4))), flat.slice(3, 7));
      assert.throws(() => f.read(7, new Int32Array(3)), /TokenFile.read: range \[7, 10\) is outside \[0, 9\)/);
      f.close();
    }
    // Only the two finished files remain: no temporary files are left behind.
    assert.deepEqual(readdirSync(dir).sort(), ['t300.bin', 't300.bin.json', 't65536.bin', 't65536.bin.json', 't70000.bin', 't70000.bin.json']);
  });
});

test('token file: bad ids and a truncated file are refused with the reason', () => {
  withDir((dir) => {
    const path = join(dir, 'x.bin');
    assert.throws(() => writeTokenFile(path, [[1, 300]], 300, 0), /writeTokenFile: document 0 token 1 is 300, outside \[0, 300\)/);
    assert.throws(() => writeTokenFile(path, [[1]], 300, 300), /eotId must be in \[0, vocabSize\)/);
    writeTokenFile(path, [[1, 2, 3]], 300, 0);
    writeFileSync(path, Buffer.alloc(6));
    assert.throws(() => new TokenFile(path), /has 6 bytes; the sidecar says 4 uint16 tokens/);
    assert.throws(() => new TokenFile(join(dir, 'none.bin')), /readTokenMeta: missing sidecar/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { applyOverrides, coerceValue, extractOverrides, loadConfig, readConfigFile, validateConfig } from '../../src/util/config.ts';

const schema = z.object({
  model: z.object({ nLayer: z.number().int().min(1), name: z.string(), act: z.enum(['gelu', 'relu']) }).strict(),
  train: z.object({ lr: z.number(), steps: z.number().int(), compile: z.boolean(), tags: z.array(z.string()) }),
}).strict();

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tess-cfg-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('config: YAML and JSON files load the same; overrides are coerced and win over the file', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'a.yaml'), 'model:\n  nLayer: 2\n  name: "123"\n  act: gelu\ntrain:\n  lr: 0.001\n  steps: 10\n  compile: false\n  tags: [x]\n');
    writeFileSync(join(dir, 'a.json'), JSON.stringify(readConfigFile(join(dir, 'a.yaml'))));
    assert.deepEqual(readConfigFile(join(dir, 'a.json')), readConfigFile(join(dir, 'a.yaml')));
    const cfg = loadConfig(schema, {
      file: join(dir, 'a.yaml'),
      overrides: ['model.nLayer=6', 'train.lr=3e-4', 'train.compile=true', 'model.name=456', 'train.tags=["a","b"]'],
    });
    assert.deepEqual(cfg, { model: { nLayer: 6, name: '456', act: 'gelu' }, train: { lr: 3e-4, steps: 10, compile: true, tags: ['a', 'b'] } });
    // Defaults fill what the file leaves out.
    writeFileSync(join(dir, 'b.yml'), 'train:\n  steps: 5\n');
    const d = loadConfig(schema, { file: join(dir, 'b.yml'), defaults: { model: { nLayer: 1, name: 'm', act: 'relu' }, train: { lr: 1, steps: 1, compile: false, tags: [] } } });
    assert.equal(d.train.steps, 5);
    assert.equal(d.model.act, 'relu');
  });
});

test('config: coercion and override parsing', () => {
  assert.equal(coerceValue('3'), 3);
  assert.equal(coerceValue('-1.5e2'), -150);
  assert.equal(coerceValue('true'), true);
  assert.equal(coerceValue('null'), null);
  assert.equal(coerceValue('abc'), 'abc');
  assert.equal(coerceValue('3', 'was a string'), '3');
  assert.deepEqual(coerceValue('{"a":1}'), { a: 1 });
  assert.deepEqual(applyOverrides({}, ['a.b.c=1', 'x=y']), { a: { b: { c: 1 } }, x: 'y' });
  assert.deepEqual(extractOverrides(['--set', 'a.b=1', '--out', 'o', '--set=c=2', '--model.nLayer=4', '--train.lr', '0.1', 'pos']), {
    overrides: ['a.b=1', 'c=2', 'model.nLayer=4', 'train.lr=0.1'],
    rest: ['--out', 'o', 'pos'],
  });
  assert.throws(() => applyOverrides({ a: 1 }, ['a.b=2']), /config: override 'a.b=2': 'a' is not an object/);
  assert.throws(() => applyOverrides({}, ['novalue']), /override 'novalue' must look like key.path=value/);
});

test('config: validation errors name each field, the expected form and the value given', () => {
  const bad = { model: { nLayer: 'four', name: 'm', act: 'tanh', extra: 1 }, train: { lr: 1, steps: 1.5, compile: false, tags: [] } };
  assert.throws(() => validateConfig(schema, bad, 'config run.yaml'), (e: Error) => {
    assert.match(e.message, /^config run.yaml: invalid config:/);
    assert.match(e.message, /field 'model.nLayer': expected number, got "four" \(string\)/);
    assert.match(e.message, /field 'model.act': expected one of "gelu", "relu", got "tanh" \(string\)/);
    assert.match(e.message, /field 'model': unknown key\(s\) 'extra'/);
    assert.match(e.message, /field 'train.steps': expected int, got 1.5 \(number\)/);
    return true;
  });
  withDir((dir) => {
    writeFileSync(join(dir, 'x.yaml'), 'a: [1, 2\n');
    assert.throws(() => readConfigFile(join(dir, 'x.yaml')), /config: file '.*x.yaml' is not valid YAML/);
    writeFileSync(join(dir, 'x.toml'), 'a = 1');
    assert.throws(() => readConfigFile(join(dir, 'x.toml')), /must end in .json, .yaml or .yml/);
    writeFileSync(join(dir, 'l.yaml'), '- 1\n- 2\n');
    assert.throws(() => readConfigFile(join(dir, 'l.yaml')), /must hold a mapping of fields at the top level/);
  });
});

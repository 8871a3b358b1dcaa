import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCommand } from '../../src/cli/main.ts';

test('cli: finds a command by its leading words and keeps the rest', () => {
  const found = findCommand(['version', '--x']);
  assert.ok(found);
  assert.equal(found.command.name, 'version');
  assert.deepEqual(found.rest, ['--x']);
  assert.equal(findCommand(['nope']), null);
});

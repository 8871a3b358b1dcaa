// The kernel registry: dispatch by (backend, kernel), the fallback chain for missing kernels and
// dtypes a backend does not take, and the error for a kernel nobody implements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/index.ts';
import type { Kernels } from '../../src/spec/backend.ts';

T.registerDefaultBackends();

test('a partial f32 backend serves its own kernels and falls back to reference for the rest', () => {
  const calls: string[] = [];
  // A unary kernel that doubles exp, so the test can tell whose kernel ran.
  const unary: Kernels['unary'] = (op, x, out) => {
    calls.push(op);
    for (let i = 0; i < x.length; i++) out[i] = 2 * Math.exp(x[i]);
  };
  T.registerBackend({ name: 'partial-test', dtypes: ['f32'], fallback: 'reference', kernels: { unary } });
  const before = T.getBackend(); // native when its addon loaded, else reference
  T.withBackend('partial-test', () => {
    assert.equal(T.getBackend(), 'partial-test');
    assert.deepEqual(T.exp(T.tensor([0, 1])).toArray(), [2, Math.fround(2 * Math.E)]);
    assert.deepEqual(calls, ['exp']);
    // f64 is not among its dtypes: the reference kernel runs.
    assert.deepEqual(T.exp(T.tensor([0], { dtype: 'f64' })).toArray(), [1]);
    // matmul is missing: the reference kernel runs.
    assert.deepEqual(T.matmul(T.tensor([[1, 2]]), T.tensor([[3], [4]])).toArray(), [[11]]);
    assert.deepEqual(calls, ['exp']);
  });
  assert.equal(T.getBackend(), before);
  // registerKernel replaces one kernel by name.
  T.registerKernel('partial-test', 'unary', (op, x, out) => { for (let i = 0; i < x.length; i++) out[i] = -1; });
  assert.deepEqual(T.withBackend('partial-test', () => T.exp(T.tensor([5])).toArray()), [-1]);
});

test('a kernel nobody implements names the kernel and the backend; unknown backends are named', () => {
  T.registerBackend({ name: 'bare-test', dtypes: ['f32'], kernels: {} });
  assert.throws(() => T.withBackend('bare-test', () => T.tensor([1, 2]).sum()), /^TesseraError: engine: Kernel 'reduce' is not implemented by backend 'bare-test'$/);
  assert.throws(() => T.withBackend('bare-test', () => T.tensor([1], { dtype: 'f64' }).exp()),
    /^TesseraError: engine: Kernel 'unary' is not implemented by backend 'bare-test' for dtype f64$/);
  assert.throws(() => T.setBackend('nope'), /^TesseraError: setBackend: no backend 'nope' is registered \(registered: reference/);
  assert.throws(() => T.registerKernel('nope', 'unary', () => undefined), /^TesseraError: registerKernel: no backend 'nope'/);
});

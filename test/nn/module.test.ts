// Module: the parameter tree, freezing, modes, state dicts, forward hooks and module rewrites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parameter, Tensor, tensor, zeros } from '../../src/index.ts';
import { Linear, LayerNorm, Module, ModuleList, Dropout, replaceModules, getModule } from '../../src/nn/index.ts';
import { Rng } from '../../src/util/rng.ts';

class Net extends Module {
  embed = new Parameter(zeros([5, 3]));
  layers = new ModuleList([new Linear(3, 4, { rng: new Rng(1) }), new Linear(4, 3, { bias: false, rng: new Rng(2) })]);
  norm = new LayerNorm(3);
  drop = new Dropout(0.5);
  notAChild = { weight: zeros([2]) };
  head: Linear | null = null;

  constructor() {
    super();
    this.register('scale', new Parameter(tensor([2])));
  }
}

test('namedParameters: fields in order, ModuleList indices, register(), tied weights once', () => {
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([n]) => n), [
    'embed', 'scale', 'layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'norm.weight', 'norm.bias',
  ]);
  assert.deepEqual([...net.namedModules()].map(([n]) => n), ['', 'layers', 'layers.0', 'layers.1', 'norm', 'drop']);
  net.head = new Linear(3, 5, { bias: false });
  net.head.weight = net.embed; // tied: one parameter, reachable twice
  assert.equal(net.parameters().filter((p) => p === net.embed).length, 1);
  assert.equal(net.numParameters(), 15 + 1 + 16 + 12 + 3 + 3);
  assert.throws(() => net.register('a.b', new Parameter(zeros([1]))), /Module\.register: name 'a\.b'/);
});

test('freeze/unfreeze with a predicate, train/eval reach every module', () => {
  const net = new Net();
  net.freeze((n) => n.startsWith('layers.0'));
  assert.deepEqual(net.namedParameters().filter(([, p]) => !p.requiresGrad).map(([n]) => n), ['layers.0.weight', 'layers.0.bias']);
  net.unfreeze();
  assert.ok(net.parameters().every((p) => p.requiresGrad));
  net.eval();
  assert.ok(net.modules().every((m) => !m.training));
  const x = tensor([1, 2, 3, 4]);
  assert.equal(net.drop.forward(x), x, 'dropout is the identity in eval mode');
  net.train();
  assert.ok(net.drop.training);
});

test('stateDict / loadStateDict: copies values; strict errors list missing, unexpected and mismatched keys', () => {
  const a = new Net();
  const b = new Net();
  a.layers.at(1).weight.data.fill(0.5);
  b.loadStateDict(a.stateDict());
  assert.deepEqual(b.layers.at(1).weight.toFlatArray(), new Array(12).fill(0.5));
  assert.notEqual(b.layers.at(1).weight.data, a.layers.at(1).weight.data, 'values are copied, not shared');

  const sd: Record<string, Tensor> = { ...a.stateDict(), extra: zeros([1]), 'norm.bias': zeros([4]) };
  delete sd.embed;
  delete sd.scale;
  assert.throws(() => b.loadStateDict(sd), (e: Error) => {
    assert.match(e.message, /^loadStateDict: missing keys: embed, scale/);
    assert.match(e.message, /unexpected keys: extra/);
    assert.match(e.message, /shape mismatches: norm\.bias: checkpoint \[4\] vs model \[3\]/);
    return true;
  });
  delete sd['norm.bias'];
  const r = b.loadStateDict(sd, { strict: false });
  assert.deepEqual(r, { missing: ['embed', 'scale', 'norm.bias'], unexpected: ['extra'] });
});

test('forward hooks: a parameter provider materialises before and releases after each forward', () => {
  const lin = new Linear(2, 2, { rng: new Rng(3) });
  const x = tensor([[1, 2]]);
  const want = lin.forward(x).toFlatArray();
  const store = new Map(lin.parameters().map((p) => [p, p.data.slice()]));
  for (const p of lin.parameters()) p.release();
  const events: string[] = [];
  const remove = lin.setParameterProvider({
    before: (m) => { events.push('before'); for (const [, p] of m.ownParameters()) p.materialize(store.get(p)!.slice()); },
    after: (m) => { events.push('after'); for (const [, p] of m.ownParameters()) p.release(); },
  });
  assert.deepEqual(lin.forward(x).toFlatArray(), want);
  assert.deepEqual(events, ['before', 'after']);
  assert.ok(lin.parameters().every((p) => !p.isMaterialized));
  remove();
  assert.throws(() => lin.forward(x), /Linear: parameter 'weight' is released/);
});

class Scaled extends Module {
  constructor(readonly inner: Linear, readonly factor: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.inner.forward(x).mul(this.factor);
  }
}

test('replaceModules rewrites matching descendants in place and returns their names', () => {
  const net = new Net();
  const before = net.layers.at(0).forward(tensor([[1, 0, 2]])).toFlatArray();
  const names = replaceModules(net, (n, m) => m instanceof Linear && n.startsWith('layers'), (m) => new Scaled(m as Linear, 2));
  assert.deepEqual(names, ['layers.0', 'layers.1']);
  const wrapped = net.layers.at(0) as unknown as Scaled;
  assert.ok(wrapped instanceof Scaled);
  assert.deepEqual(wrapped.forward(tensor([[1, 0, 2]])).toFlatArray(), before.map((v) => v * 2));
  assert.ok(net.namedParameters().some(([n]) => n === 'layers.0.inner.weight'));
  assert.equal(getModule(net, 'layers.1.inner'), (net.layers.at(1) as unknown as Scaled).inner);
  assert.deepEqual(replaceModules(net, (_, m) => m instanceof LayerNorm, (m) => m), ['norm']);
});

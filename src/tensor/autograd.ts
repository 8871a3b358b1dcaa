// Reverse-mode autograd. Each op records a node with its inputs and a vector-Jacobian product
// closure; backward() walks the graph in reverse topological order and accumulates into leaves.
import type { Tensor } from './tensor.ts';
import { isGradEnabled, noGrad } from './engine.ts';
import { fail, fmtShape } from '../util/errors.ts';
import { add } from './ops/elementwise.ts';
import { clone } from './ops/view.ts';
import { sameShape } from '../util/shape.ts';

/** Returns one gradient per input (null where the input needs none). */
export type Vjp = (g: Tensor) => (Tensor | null)[];

export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** null once a backward() without retainGraph has released the saved tensors. */
  vjp: Vjp | null;
}

/** Attaches a graph node to `out` when gradients are on and any input needs one. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], vjp: Vjp): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, vjp };
  return out;
}

export interface BackwardOptions {
  /** Keep the saved tensors so backward can run through this graph again. */
  retainGraph?: boolean;
}

export function backward(root: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) fail('backward', `the tensor of shape ${fmtShape(root.shape)} does not require a gradient (no input had requiresGrad)`);
  if (!grad && root.numel !== 1) {
    fail('backward', `the output has shape ${fmtShape(root.shape)}; backward() without a gradient needs a scalar output (pass a gradient of shape ${fmtShape(root.shape)})`);
  }
  if (grad && !sameShape(grad.shape, root.shape)) {
    fail('backward', `gradient shape ${fmtShape(grad.shape)} does not match output shape ${fmtShape(root.shape)}`);
  }
  if (grad && grad.dtype !== root.dtype) {
    fail('backward', `gradient dtype ${grad.dtype} ${fmtShape(grad.shape)} does not match output dtype ${root.dtype} ${fmtShape(root.shape)}`);
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>();
  noGrad(() => {
    grads.set(root, grad ? grad.detach() : root.onesLike());
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node = t.node;
      if (!node) {
        accumulateLeaf(t, g);
        continue;
      }
      if (t.retainsGrad) accumulateLeaf(t, g);
      if (!node.vjp) {
        fail('backward', `the graph through '${node.op}' (output shape ${fmtShape(t.shape)}) was freed by an earlier backward(); call backward({ retainGraph: true }) the first time to go through it twice`);
      }
      const gin = node.vjp(g);
      if (!opts.retainGraph) node.vjp = null;
      node.inputs.forEach((inp, k) => {
        const gi = gin[k];
        if (!gi || !inp.requiresGrad) return;
        if (!sameShape(gi.shape, inp.shape)) {
          fail('backward', `'${node.op}' produced a gradient of shape ${fmtShape(gi.shape)} for an input of shape ${fmtShape(inp.shape)}`);
        }
        const prev = grads.get(inp);
        grads.set(inp, prev ? add(prev, gi) : gi);
      });
    }
  });
}

function accumulateLeaf(t: Tensor, g: Tensor): void {
  const gc = g.dtype === t.dtype ? g : g.cast(t.dtype);
  // A vjp may hand the same tensor to several inputs (add) or pass the seed gradient through, so
  // the first .grad is a copy of its own: an in-place update of one .grad must not reach another.
  t.grad = t.grad ? add(t.grad, gc).detach() : clone(gc).detach();
}

/** Tensors reachable from root through nodes, inputs before outputs (iterative DFS). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, k] = top;
    const inputs = t.node?.inputs ?? [];
    if (k < inputs.length) {
      top[1]++;
      const c = inputs[k];
      if (c.requiresGrad && !visited.has(c)) {
        visited.add(c);
        stack.push([c, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

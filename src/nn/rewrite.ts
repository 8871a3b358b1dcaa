// The generic module rewrite behind LoRA, BitNet and tensor-parallel sharding: walk the tree,
// and swap each module a predicate selects for what `rewrite` makes of it, in its parent's slot.
import { Module } from './module.ts';

export type ModulePredicate = (name: string, module: Module) => boolean;
export type ModuleRewrite = (module: Module, name: string) => Module;

/**
 * Replaces every descendant of `root` that `predicate` selects by `rewrite(module, name)`, in
 * place, and returns the dotted names replaced. A replaced module's subtree is not visited again
 * (a wrapper holding the original is not rewritten twice). The root itself is never replaced.
 */
export function replaceModules(root: Module, predicate: ModulePredicate, rewrite: ModuleRewrite): string[] {
  const replaced: string[] = [];
  const visit = (parent: Module, prefix: string): void => {
    for (const [k, child] of [...parent.namedChildren()]) {
      const name = prefix ? `${prefix}.${k}` : k;
      if (predicate(name, child)) {
        const next = rewrite(child, name);
        if (next !== child) parent.setChild(k, next);
        replaced.push(name);
      } else {
        visit(child, name);
      }
    }
  };
  visit(root, '');
  return replaced;
}

/** The module at a dotted path ('' is the root). */
export function getModule(root: Module, path: string): Module | undefined {
  if (path === '') return root;
  let m: Module | undefined = root;
  for (const part of path.split('.')) {
    m = m ? [...m.namedChildren()].find(([k]) => k === part)?.[1] : undefined;
  }
  return m;
}

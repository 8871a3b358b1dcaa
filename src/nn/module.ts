// Module: a named tree of parameters and child modules. Children and parameters are found by
// assignment (any own field holding a Module or a Parameter, in field order) or registered
// explicitly with register(). Tied weights appear once, under the first name that reaches them.
import { Parameter, Tensor, noGrad } from '../tensor/index.ts';
import { fail, fmtShape } from '../util/errors.ts';

/**
 * Runs around the forward of a module that reads its own parameters. A ZeRO-3 style sharder uses
 * `before` to materialise the module's parameters (all-gather) and `after` to release them.
 */
export interface ForwardHook {
  before?(module: Module): void;
  after?(module: Module): void;
}

export type ParamPredicate = (name: string, p: Parameter) => boolean;
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true); shapes must always match. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missing: string[];
  unexpected: string[];
}

export class Module {
  /** Dropout and similar layers behave differently in training (see train()/eval()). */
  training = true;
  private readonly extra = new Map<string, Module | Parameter>();
  private readonly hooks: ForwardHook[] = [];

  /** Adds a child module or parameter under `name` (for names that are not fields). */
  register<T extends Module | Parameter>(name: string, value: T): T {
    if (!/^[A-Za-z0-9_]+$/.test(name)) fail('Module.register', `name '${name}' must be letters, digits or _ (dots separate levels)`);
    this.extra.set(name, value);
    return value;
  }

  /** Direct children and parameters, by name, in registration order. */
  protected entries(): [string, Module | Parameter][] {
    const out: [string, Module | Parameter][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module || v instanceof Parameter) out.push([k, v]);
    }
    for (const [k, v] of this.extra) out.push([k, v]);
    return out;
  }

  /** Replaces the direct child or parameter `name` (used by module rewrites). */
  setChild(name: string, value: Module | Parameter): void {
    if (this.extra.has(name)) this.extra.set(name, value);
    else if (Object.prototype.hasOwnProperty.call(this, name)) (this as unknown as Record<string, unknown>)[name] = value;
    else fail('Module.setChild', `${this.constructor.name} has no child '${name}'`);
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of this.entries()) if (v instanceof Module) yield [k, v];
  }

  /** Every module in the tree, this one first under the name '' (depth-first, deduplicated). */
  *namedModules(prefix = '', seen = new Set<Module>()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k, seen);
  }

  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /** This module's own parameters (not its children's). */
  ownParameters(): [string, Parameter][] {
    return this.entries().filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  /** Every parameter with its dotted path; a tied parameter appears once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [path, m] of this.namedModules()) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([path ? `${path}.${k}` : k, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Number of parameter elements (tied weights counted once). */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.numel, 0);
  }

  /** Stops gradients for the parameters `pred` selects (all by default). */
  freeze(pred: ParamPredicate = () => true): this {
    for (const [n, p] of this.namedParameters()) if (pred(n, p)) p.freeze();
    return this;
  }

  unfreeze(pred: ParamPredicate = () => true): this {
    for (const [n, p] of this.namedParameters()) if (pred(n, p)) p.unfreeze();
    return this;
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  // ---- forward hooks (the parameter-provider hook point) -------------------------------------
  /** Adds a hook around this module's forward; returns a function that removes it. */
  addForwardHook(hook: ForwardHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Installs `hook` on every module of the tree that owns parameters; returns a remover. */
  setParameterProvider(hook: ForwardHook): () => void {
    const removers = this.modules().filter((m) => m.ownParameters().length > 0).map((m) => m.addForwardHook(hook));
    return () => removers.forEach((r) => r());
  }

  /** Layers that read their own parameters run their forward body through this. */
  protected hooked<T>(body: () => T): T {
    for (const h of this.hooks) h.before?.(this);
    try {
      for (const [k, p] of this.ownParameters()) {
        if (!p.isMaterialized) fail(this.constructor.name, `parameter '${k}' is released: materialize it (or install a parameter provider) before the forward`);
      }
      return body();
    } finally {
      for (const h of this.hooks) h.after?.(this);
    }
  }

  // ---- state dict -----------------------------------------------------------------------------
  /** Parameter tensors by dotted name (sharing storage; tied weights once). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [n, p] of this.namedParameters()) out[n] = p.detach();
    return out;
  }

  /**
   * Copies tensors into the parameters of the same names (cast to their dtype). Shapes must match;
   * with strict (default) the key sets must match too. All problems are listed in one error.
   */
  loadStateDict(sd: StateDict, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const params = new Map(this.namedParameters());
    const missing = [...params.keys()].filter((k) => !(k in sd));
    const unexpected = Object.keys(sd).filter((k) => !params.has(k));
    const mismatched: string[] = [];
    for (const [k, p] of params) {
      const t = sd[k];
      if (t && (t.ndim !== p.ndim || t.shape.some((d, i) => d !== p.shape[i]))) {
        mismatched.push(`${k}: checkpoint ${fmtShape(t.shape)} vs model ${fmtShape(p.shape)}`);
      }
    }
    const problems: string[] = [];
    if (strict && missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    if (mismatched.length) problems.push(`shape mismatches: ${mismatched.join('; ')}`);
    if (problems.length) fail('loadStateDict', problems.join('\n  '));
    noGrad(() => {
      for (const [k, p] of params) {
        const t = sd[k];
        if (!t) continue;
        const src = t.dtype === p.dtype ? t.contiguous() : t.cast(p.dtype);
        const buf = src.buffer();
        if (p.isMaterialized) p.data.set(buf);
        else p.materialize(buf.slice());
      }
    });
    return { missing, unexpected };
  }
}

/** An indexed list of modules, named '0', '1', ... in the tree. */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[];

  constructor(items: M[] = []) {
    super();
    this.items = [...items];
  }

  get length(): number {
    return this.items.length;
  }

  at(i: number): M {
    return this.items[i] ?? fail('ModuleList.at', `index ${i} is out of range [0, ${this.items.length})`);
  }

  push(m: M): void {
    this.items.push(m);
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  protected override entries(): [string, Module | Parameter][] {
    return [...this.items.map((m, i): [string, Module] => [String(i), m]), ...super.entries().filter(([k]) => k !== 'items')];
  }

  override setChild(name: string, value: Module | Parameter): void {
    const i = Number(name);
    if (Number.isInteger(i) && i >= 0 && i < this.items.length && value instanceof Module) this.items[i] = value as M;
    else super.setChild(name, value);
  }
}

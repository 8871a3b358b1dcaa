// AdamW with decoupled weight decay, one fused `adamw` kernel call per parameter on its f32
// storage. Parameter groups carry their own hyper-parameters; the state (m, v, step) saves and
// loads exactly, so a resumed run continues bit for bit.
import { Parameter, Tensor, kernel, tensor } from '../../tensor/index.ts';
import type { Module } from '../module.ts';
import { fail, fmtShape } from '../../util/errors.ts';

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface ParamGroup extends Partial<AdamWHyper> {
  params: Parameter[];
  /** Optional label, e.g. 'decay' / 'no_decay'. */
  name?: string;
}

interface Group extends AdamWHyper {
  params: Parameter[];
  name?: string;
}

interface Slot {
  m: Float32Array;
  v: Float32Array;
  step: number;
}

/** Serialisable optimizer state: tensors `<i>.m`, `<i>.v` by flat parameter index, plus JSON meta. */
export interface OptimizerState {
  tensors: Record<string, Tensor>;
  meta: { steps: number[]; groups: (AdamWHyper & { size: number })[] };
}

export const ADAMW_DEFAULTS: AdamWHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

/**
 * nanoGPT's grouping: weight decay on parameters with ≥ 2 dimensions (matmul weights and
 * embeddings), none on biases and norm gains. Frozen parameters are left out.
 */
export function decayGroups(module: Module, weightDecay: number): ParamGroup[] {
  const ps = module.parameters().filter((p) => p.requiresGrad);
  return [
    { name: 'decay', params: ps.filter((p) => p.ndim >= 2), weightDecay },
    { name: 'no_decay', params: ps.filter((p) => p.ndim < 2), weightDecay: 0 },
  ];
}

export class AdamW {
  readonly groups: Group[];
  private readonly state = new Map<Parameter, Slot>();

  constructor(params: Parameter[] | ParamGroup[], defaults: Partial<AdamWHyper> = {}) {
    const d = { ...ADAMW_DEFAULTS, ...defaults };
    const list: ParamGroup[] = params.length > 0 && params[0] instanceof Parameter ? [{ params: params as Parameter[] }] : (params as ParamGroup[]);
    this.groups = list.map((g) => ({ ...d, ...dropUndefined(g), params: [...g.params] }));
    const seen = new Set<Parameter>();
    for (const g of this.groups) {
      for (const p of g.params) {
        if (seen.has(p)) fail('AdamW', `parameter ${p.name ?? fmtShape(p.shape)} appears in more than one group`);
        if (p.dtype !== 'f32') fail('AdamW', `parameters must be f32, got ${p.dtype} for ${p.name ?? fmtShape(p.shape)}`);
        seen.add(p);
      }
    }
  }

  /** Every parameter, in group order (the order of state indices). */
  params(): Parameter[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** Sets the learning rate of every group (what a schedule calls each step). */
  setLr(lr: number): void {
    for (const g of this.groups) g.lr = lr;
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    const adamw = kernel('adamw');
    for (const g of this.groups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        let s = this.state.get(p);
        if (!s) {
          s = { m: new Float32Array(p.numel), v: new Float32Array(p.numel), step: 0 };
          this.state.set(p, s);
        }
        s.step++;
        const grad = p.grad.contiguous().buffer();
        if (!(grad instanceof Float32Array)) fail('AdamW.step', `gradient of ${p.name ?? fmtShape(p.shape)} must be f32`);
        adamw(p.buffer() as Float32Array, grad, s.m, s.v, { lr: g.lr, beta1: g.beta1, beta2: g.beta2, eps: g.eps, weightDecay: g.weightDecay, step: s.step });
      }
    }
  }

  /** Clears every parameter's gradient (gradients otherwise accumulate across backward calls). */
  zeroGrad(): void {
    for (const p of this.params()) p.grad = null;
  }

  stateDict(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    const steps: number[] = [];
    this.params().forEach((p, i) => {
      const s = this.state.get(p);
      steps.push(s?.step ?? 0);
      if (s) {
        tensors[`${i}.m`] = tensor(s.m.slice(), [...p.shape]);
        tensors[`${i}.v`] = tensor(s.v.slice(), [...p.shape]);
      }
    });
    const groups = this.groups.map(({ lr, beta1, beta2, eps, weightDecay, params }) => ({ lr, beta1, beta2, eps, weightDecay, size: params.length }));
    return { tensors, meta: { steps, groups } };
  }

  loadStateDict(sd: OptimizerState): void {
    const ps = this.params();
    const sizes = this.groups.map((g) => g.params.length);
    if (sd.meta.groups.length !== sizes.length || sd.meta.groups.some((g, i) => g.size !== sizes[i])) {
      fail('AdamW.loadStateDict', `group sizes [${sd.meta.groups.map((g) => g.size).join(', ')}] do not match this optimizer's [${sizes.join(', ')}]`);
    }
    this.state.clear();
    ps.forEach((p, i) => {
      const step = sd.meta.steps[i] ?? 0;
      if (step === 0) return;
      const m = sd.tensors[`${i}.m`];
      const v = sd.tensors[`${i}.v`];
      if (!m || !v) fail('AdamW.loadStateDict', `state of parameter ${i} has step ${step} but no '${i}.m'/'${i}.v' tensors`);
      if (m.numel !== p.numel || v.numel !== p.numel) fail('AdamW.loadStateDict', `state of parameter ${i} has ${m.numel} elements, the parameter ${fmtShape(p.shape)}`);
      this.state.set(p, { m: Float32Array.from(m.cast('f32').toFlatArray()), v: Float32Array.from(v.cast('f32').toFlatArray()), step });
    });
    sd.meta.groups.forEach((h, i) => {
      const g = this.groups[i];
      Object.assign(g, { lr: h.lr, beta1: h.beta1, beta2: h.beta2, eps: h.eps, weightDecay: h.weightDecay });
    });
  }
}

function dropUndefined(g: ParamGroup): Partial<AdamWHyper> & { name?: string } {
  const out: Partial<AdamWHyper> & { name?: string } = {};
  for (const k of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) if (g[k] !== undefined) out[k] = g[k];
  if (g.name !== undefined) out.name = g.name;
  return out;
}

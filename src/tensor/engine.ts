// The engine: backends registered by name, kernel dispatch by (backend, kernel), the gradient mode,
// the allocation counter and the default random generator.
import type { Backend, DType, KernelName, Kernels } from '../spec/backend.ts';
import { fail } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';

const backends = new Map<string, Backend>();
let active: string | null = null;

/** Registers a backend; the first one registered becomes active unless another is selected. */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
  if (active === null) active = b.name;
}

/** Adds or replaces one kernel of a registered backend (kernels are registered by name). */
export function registerKernel<K extends KernelName>(backend: string, name: K, fn: Kernels[K]): void {
  const b = backends.get(backend) ?? fail('registerKernel', `no backend '${backend}' is registered`);
  (b.kernels as Record<string, unknown>)[name] = fn;
}

export function setBackend(name: string): void {
  if (!backends.has(name)) {
    fail('setBackend', `no backend '${name}' is registered (registered: ${[...backends.keys()].join(', ') || 'none'})`);
  }
  active = name;
}

export function getBackend(): string {
  return active ?? fail('engine', 'no backend is registered: import a register.ts (the package index does)');
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Runs `fn` with `name` as the active backend. */
export function withBackend<T>(name: string, fn: () => T): T {
  const prev = active;
  setBackend(name);
  try {
    return fn();
  } finally {
    active = prev;
  }
}

/**
 * The kernel `name` for data of dtype `dtype`: the active backend's, or its fallback chain's when
 * it lacks the kernel or does not take that float dtype.
 */
export function kernel<K extends KernelName>(name: K, ...dtypes: DType[]): Kernels[K] {
  if (dtypes.length === 0) dtypes = ['f32'];
  const start = getBackend();
  let b: Backend | undefined = backends.get(start);
  const seen = new Set<string>();
  while (b && !seen.has(b.name)) {
    seen.add(b.name);
    const k = b.kernels[name];
    const takes = b.dtypes;
    if (k && dtypes.every((d) => takes.includes(d))) return profiling ? timed(name, k) : k;
    b = b.fallback ? backends.get(b.fallback) : undefined;
  }
  return fail('engine', `Kernel '${name}' is not implemented by backend '${start}'${dtypes.join(',') === 'f32' ? '' : ` for dtype ${dtypes.join(', ')}`}`);
}

// ---- kernel profiler --------------------------------------------------------------------------
/** Calls and wall time per kernel name while `profileKernels` runs (kernels are synchronous). */
export interface KernelProfileRow {
  kernel: string;
  calls: number;
  ms: number;
}
let profiling: Map<string, KernelProfileRow> | null = null;

function timed<K extends KernelName>(name: K, k: Kernels[K]): Kernels[K] {
  const table = profiling!;
  const wrapped = (...args: unknown[]): unknown => {
    const t0 = performance.now();
    try {
      return (k as (...a: unknown[]) => unknown)(...args);
    } finally {
      const row = table.get(name) ?? { kernel: name, calls: 0, ms: 0 };
      row.calls++;
      row.ms += performance.now() - t0;
      table.set(name, row);
    }
  };
  return wrapped as unknown as Kernels[K];
}

/** Runs `fn` and returns its result with the time spent in each kernel, the slowest first. */
export function profileKernels<T>(fn: () => T): { result: T; kernels: KernelProfileRow[]; totalMs: number } {
  const prev = profiling;
  profiling = new Map();
  const table = profiling;
  const t0 = performance.now();
  try {
    const result = fn();
    return { result, kernels: [...table.values()].sort((a, b) => b.ms - a.ms), totalMs: performance.now() - t0 };
  } finally {
    profiling = prev;
  }
}

// ---- gradient mode --------------------------------------------------------------------------
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording operations for autograd. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

// ---- allocation counter -----------------------------------------------------------------------
export interface AllocStats {
  count: number;
  bytes: number;
}
const alloc: AllocStats = { count: 0, bytes: 0 };

export function noteAlloc(bytes: number): void {
  alloc.count++;
  alloc.bytes += bytes;
}

/** Total tensor storage allocated by the engine since start. */
export function allocStats(): AllocStats {
  return { ...alloc };
}

/** Runs `fn` and returns what it allocated along with its result. */
export function measureAlloc<T>(fn: () => T): { result: T; count: number; bytes: number } {
  const before = allocStats();
  const result = fn();
  return { result, count: alloc.count - before.count, bytes: alloc.bytes - before.bytes };
}

// ---- default random generator ------------------------------------------------------------------
let globalRng = new Rng(0);

/** Reseeds the generator used by rand/randn/dropout when no generator is passed. */
export function manualSeed(seed: number): void {
  globalRng = new Rng(seed);
}

export function defaultRng(): Rng {
  return globalRng;
}

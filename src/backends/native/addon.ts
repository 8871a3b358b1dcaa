// Loads the compiled kernels (build/Release/tessera_native.node). When they are missing or fail to
// load, `loadNativeAddon()` returns null and `nativeUnavailableReason()` says why; the warning
// is printed once. TESSERA_NATIVE=0 turns the native backend off on purpose (no warning).
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Storage } from '../../spec/backend.ts';
import type { NativeAttentionAddon } from './attention.ts';

type F32 = Float32Array;
type Strides = readonly number[];

/** The functions exported by native/src/addon.c; argument order follows the C side. */
export interface NativeAddon extends NativeAttentionAddon {
  /** heapReuse: large freed buffers stay in the heap for reuse (native/src/heap.c; TESSERA_HEAP=0 turns it off). */
  info(): { isa: string; detectedIsa: string; gemmKernel: string; threads: number; kc: number; heapReuse: boolean };
  setThreads(n: number): void;
  setIsa(isa: string): void;
  unary(op: number, x: F32, out: F32): void;
  unaryGrad(op: number, x: F32, gy: F32, gx: F32): void;
  binary(op: number, a: Storage, aOff: number, aStr: Strides, b: Storage, bOff: number, bStr: Strides,
    out: Storage, shape: readonly number[]): boolean;
  where(c: Storage, cOff: number, cStr: Strides, a: Storage, aOff: number, aStr: Strides, b: Storage, bOff: number,
    bStr: Strides, out: Storage, shape: readonly number[]): boolean;
  copy(s: Storage, sOff: number, sStr: Strides, d: Storage, dOff: number, dStr: Strides, shape: readonly number[]): boolean;
  reduce(op: number, x: F32, rows: number, cols: number, out: Storage): void;
  matmul(a: F32, b: F32, out: F32, batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    strideA: number, strideB: number, accumulate: boolean): void;
  softmax(x: F32, out: F32, rows: number, cols: number, log: boolean): void;
  softmaxGrad(y: F32, gy: F32, gx: F32, rows: number, cols: number, log: boolean): void;
  layerNorm(x: F32, w: F32 | null, b: F32 | null, y: F32, mean: F32, rstd: F32, rows: number, cols: number, eps: number): void;
  layerNormGrad(x: F32, w: F32 | null, mean: F32, rstd: F32, gy: F32, gx: F32, gw: F32 | null, gb: F32 | null,
    rows: number, cols: number): void;
  rmsNorm(x: F32, w: F32 | null, y: F32, rstd: F32, rows: number, cols: number, eps: number): void;
  rmsNormGrad(x: F32, w: F32 | null, rstd: F32, gy: F32, gx: F32, gw: F32 | null, rows: number, cols: number): void;
  crossEntropy(x: F32, t: Int32Array, loss: F32, lse: F32, rows: number, cols: number, ignore: number, smoothing: number): void;
  crossEntropyGrad(x: F32, t: Int32Array, lse: F32, gloss: F32, gx: F32, rows: number, cols: number, ignore: number,
    smoothing: number): void;
  gather(x: F32, idx: Int32Array, out: F32, outer: number, dim: number, idxDim: number, inner: number): void;
  scatterAdd(g: F32, idx: Int32Array, gx: F32, outer: number, dim: number, idxDim: number, inner: number): void;
  indexSelect(table: F32, ids: Int32Array, out: F32, cols: number): void;
  indexAdd(g: F32, ids: Int32Array, gtable: F32, cols: number): void;
  adamw(p: F32, g: F32, m: F32, v: F32, lr: number, b1: number, b2: number, eps: number, wd: number, step: number): void;
  /** Bench ladder rung (1 plain C, 2 SIMD, 3 shipped); false when the rung is unavailable here. */
  gemmLadder(version: number, a: F32, b: F32, c: F32, m: number, n: number, k: number): boolean;
  /** Bandwidth probe: kind 0 copies b into a, kind 1 is the triad a = b + s·c. */
  stream(kind: number, a: F32, b: F32, c: F32, n: number, s: number): void;
  /** Runs a register-only FMA loop of `iterations` steps on one thread; returns the flops done. */
  fmaPeak(iterations: number): number;
}

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
/** Where the build puts the addon and its status; TESSERA_NATIVE_DIR points elsewhere. */
const buildDir = process.env.TESSERA_NATIVE_DIR ?? join(root, 'build');

let loaded: NativeAddon | null | undefined;
let reason = '';
let warned = false;

function buildFailure(statusPath: string): string | null {
  if (!existsSync(statusPath)) return null;
  try {
    const s = JSON.parse(readFileSync(statusPath, 'utf8')) as { ok?: boolean; reason?: string };
    return s.ok === false ? s.reason ?? 'native build failed' : null;
  } catch {
    return null;
  }
}

/** Loads the addon from a build folder: the addon, or null and why not. */
export function probeNativeAddon(dir: string): { addon: NativeAddon | null; reason: string } {
  const addonPath = join(dir, 'Release', 'tessera_native.node');
  if (!existsSync(addonPath)) {
    return { addon: null, reason: buildFailure(join(dir, 'native-status.json')) ?? `no compiled addon at ${addonPath} (run npm install)` };
  }
  try {
    return { addon: createRequire(import.meta.url)(addonPath) as NativeAddon, reason: '' };
  } catch (e) {
    return { addon: null, reason: `loading ${addonPath} failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** The addon, or null when it is not available (see nativeUnavailableReason). */
export function loadNativeAddon(): NativeAddon | null {
  if (loaded !== undefined) return loaded;
  if (process.env.TESSERA_NATIVE === '0') {
    reason = 'disabled by TESSERA_NATIVE=0';
    loaded = null;
    return loaded;
  }
  const probe = probeNativeAddon(buildDir);
  loaded = probe.addon;
  reason = probe.reason;
  return loaded;
}

export function nativeUnavailableReason(): string {
  loadNativeAddon();
  return reason;
}

/** Prints, once per process, that Tessera runs on the reference backend and why. */
export function warnNativeUnavailable(log: (msg: string) => void = (m) => process.emitWarning(m)): void {
  if (warned || loadNativeAddon() !== null || process.env.TESSERA_NATIVE === '0') return;
  warned = true;
  log(`tessera: native backend unavailable (${reason}); running on the reference backend`);
}

// The native CPU backend: C11 kernels behind N-API (see docs/native.md).
import type { Backend, Kernels } from '../../spec/backend.ts';
import { loadNativeAddon, nativeUnavailableReason, warnNativeUnavailable } from './addon.ts';
import { nativeKernels } from './kernels.ts';

export { loadNativeAddon, nativeUnavailableReason, probeNativeAddon, warnNativeUnavailable } from './addon.ts';
export type { NativeAddon } from './addon.ts';
export { nativeKernels } from './kernels.ts';

/** The native backend, or null when the addon is not available (the reason is then known). */
export function createNativeBackend(fallback?: Partial<Kernels>): Backend | null {
  const addon = loadNativeAddon();
  if (addon === null) return null;
  return { name: 'native', dtypes: ['f32'], fallback: 'reference', kernels: nativeKernels(addon, fallback) };
}

/** Threads used by the native kernels (TESSERA_THREADS at load, default = cores). */
export function setNativeThreads(n: number): void {
  loadNativeAddon()?.setThreads(n);
}

export function nativeInfo(): ReturnType<NonNullable<ReturnType<typeof loadNativeAddon>>['info']> | { unavailable: string } {
  const addon = loadNativeAddon();
  return addon ? addon.info() : { unavailable: nativeUnavailableReason() };
}

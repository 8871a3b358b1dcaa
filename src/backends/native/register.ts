// Registers the native backend with the engine and makes it active. When the addon is not
// available, nothing is registered and Tessera says once, with the reason, that it runs on the
// reference backend.
import { registerBackend, setBackend, listBackends } from '../../tensor/engine.ts';
import { referenceBackend } from '../reference/index.ts';
import { createNativeBackend, warnNativeUnavailable } from './index.ts';

/** True when native was registered (and made the active backend). */
export function registerNative(opts: { activate?: boolean } = {}): boolean {
  if (listBackends().includes('native')) return true;
  const backend = createNativeBackend(referenceBackend.kernels);
  if (backend === null) {
    warnNativeUnavailable();
    return false;
  }
  if (!listBackends().includes('reference')) registerBackend(referenceBackend);
  registerBackend(backend);
  if (opts.activate ?? true) setBackend('native');
  return true;
}

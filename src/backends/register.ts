// Registers the backends Tessera ships: reference always; faster ones register themselves here
// as they are added, and the fastest available becomes active.
import { registerReference } from './reference/register.ts';
import { registerNative } from './native/register.ts';
import { listBackends } from '../tensor/engine.ts';

let done = false;

export function registerDefaultBackends(): void {
  if (done) return;
  done = true;
  if (!listBackends().includes('reference')) registerReference();
  // Native becomes active when its addon loaded; TESSERA_BACKEND=reference keeps the oracle.
  registerNative({ activate: process.env.TESSERA_BACKEND !== 'reference' });
}

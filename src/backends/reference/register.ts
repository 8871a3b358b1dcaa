// Registers the reference backend with the engine.
import { registerBackend } from '../../tensor/engine.ts';
import { referenceBackend } from './index.ts';

export function registerReference(): void {
  registerBackend(referenceBackend);
}

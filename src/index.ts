// Tessera's public entry point. Importing it registers the shipped backends (explicitly, here).
import { registerDefaultBackends } from './backends/register.ts';

registerDefaultBackends();

export * from './tensor/index.ts';
export { registerDefaultBackends };
export { Rng } from './util/rng.ts';
export type { RngState } from './util/rng.ts';
export { TesseraError } from './util/errors.ts';
export * as nn from './nn/index.ts';
export * as models from './models/index.ts';
export * as tokenizers from './tokenizers/index.ts';
export * as data from './data/index.ts';

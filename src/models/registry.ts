// Model registry: createModel(config) builds the model its modelType names.
import { fail } from '../util/errors.ts';
import { checkConfig, type DecoderConfig, type ResolvedDecoderConfig } from './config.ts';
import { DecoderLM } from './decoder.ts';
import { gpt } from './gpt/index.ts';
import { llama } from './llama/index.ts';

export interface ModelType {
  /** Fills the type's defaults and architecture choices. */
  resolve(config: DecoderConfig): ResolvedDecoderConfig;
}

const types = new Map<string, ModelType>([['gpt', gpt], ['llama', llama]]);

export function registerModelType(name: string, type: ModelType): void {
  types.set(name, type);
}

export function listModelTypes(): string[] {
  return [...types.keys()];
}

export function resolveConfig(config: DecoderConfig): ResolvedDecoderConfig {
  const t = types.get(config.modelType) ?? fail('createModel', `unknown modelType '${config.modelType}' (registered: ${listModelTypes().join(', ')})`);
  checkConfig('createModel', config);
  return t.resolve(config);
}

/** A freshly initialised model for `config` (seeded by config.seed, default 0). */
export function createModel(config: DecoderConfig): DecoderLM {
  return new DecoderLM(resolveConfig(config));
}

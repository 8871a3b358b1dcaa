// models: the registry and the decoder-only language models (GPT-2 layout, Llama), with Hugging
// Face checkpoint folders both ways.
export { createModel, registerModelType, listModelTypes, resolveConfig } from './registry.ts';
export type { ModelType } from './registry.ts';
export type { DecoderConfig, ResolvedDecoderConfig, DecoderArch } from './config.ts';
export { DecoderLM, DecoderBlock } from './decoder.ts';
export type { ForwardOptions } from './decoder.ts';
export {
  loadHfCheckpoint, saveHfCheckpoint, toHfTensors, fromHfTensors, hfConfigToDecoderConfig, decoderConfigToHf, registerHfFormat,
} from './hf/checkpoint.ts';
export type { LoadedHfCheckpoint, SaveHfOptions } from './hf/checkpoint.ts';
export type { HfFormat, HfConfig } from './hf/format.ts';
export { nameMap } from './hf/names.ts';
export type { NameRule, NameMap } from './hf/names.ts';

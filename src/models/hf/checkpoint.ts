// Hugging Face checkpoint folders: config.json + model.safetensors (or a sharded index), with
// tokenizer.json copied through. Loading builds a Tessera model; saving writes what
// transformers' save_pretrained would, so either side reads the other's files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type DType } from '../../tensor/index.ts';
import { loadSafetensors, saveSafetensors, type StateDict } from '../../nn/index.ts';
import { writeFileAtomic } from '../../util/fs.ts';
import { fail } from '../../util/errors.ts';
import { DecoderLM } from '../decoder.ts';
import { resolveConfig } from '../registry.ts';
import type { ResolvedDecoderConfig } from '../config.ts';
import { nameMap } from './names.ts';
import type { HfConfig, HfFormat } from './format.ts';
import { gpt2Format } from '../gpt/hf.ts';
import { llamaFormat } from '../llama/hf.ts';

const formats: HfFormat[] = [gpt2Format, llamaFormat];

export function registerHfFormat(f: HfFormat): void {
  formats.push(f);
}

function formatFor(key: 'hfType' | 'modelType', value: string): HfFormat {
  return formats.find((f) => f[key] === value)
    ?? fail('hf', `no Hugging Face layout for ${key === 'hfType' ? 'model_type' : 'modelType'} '${value}' (known: ${formats.map((f) => f[key]).join(', ')})`);
}

/** Tessera-named tensors (parameters, or their gradients) in the HF names and layout. */
export function toHfTensors(sd: StateDict, config: ResolvedDecoderConfig): Record<string, Tensor> {
  const f = formatFor('modelType', config.modelType);
  const names = nameMap(f.rules);
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(sd)) {
    const r = names.toHf(k) ?? fail('saveHfCheckpoint', `parameter '${k}' has no ${f.hfType} name`);
    out[r.name] = r.transpose ? t.T.contiguous() : t;
  }
  return out;
}

/** HF-named tensors in Tessera names and layout; buffers and tied copies are dropped. */
export function fromHfTensors(tensors: Record<string, Tensor>, config: ResolvedDecoderConfig): StateDict {
  const f = formatFor('modelType', config.modelType);
  const names = nameMap(f.rules);
  const out: StateDict = {};
  const unknown: string[] = [];
  for (const [k0, t] of Object.entries(tensors)) {
    const k = f.savePrefix && k0.startsWith(f.savePrefix) ? k0.slice(f.savePrefix.length) : k0;
    const r = names.fromHf(k);
    if (r) out[r.name] = r.transpose ? t.T.contiguous() : t;
    else if (!f.ignore(k, config)) unknown.push(k0);
  }
  if (unknown.length) fail('loadHfCheckpoint', `unexpected ${f.hfType} checkpoint keys: ${unknown.join(', ')}`);
  return out;
}

export function hfConfigToDecoderConfig(hf: HfConfig): ReturnType<HfFormat['fromHfConfig']> {
  const type = typeof hf.model_type === 'string' ? hf.model_type : fail('loadHfCheckpoint', "config.json lacks 'model_type' (a string such as 'gpt2' or 'llama')");
  return formatFor('hfType', type).fromHfConfig(hf);
}

export function decoderConfigToHf(config: ResolvedDecoderConfig): HfConfig {
  return formatFor('modelType', config.modelType).toHfConfig(config);
}

function readWeights(dir: string): Record<string, Tensor> {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return loadSafetensors(single).tensors;
  const index = join(dir, 'model.safetensors.index.json');
  if (!existsSync(index)) fail('loadHfCheckpoint', `${dir} has neither model.safetensors nor model.safetensors.index.json`);
  const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map
    ?? fail('loadHfCheckpoint', `${index} lacks 'weight_map'`);
  const out: Record<string, Tensor> = {};
  for (const shard of new Set(Object.values(map))) Object.assign(out, loadSafetensors(join(dir, shard)).tensors);
  return out;
}

export interface LoadedHfCheckpoint {
  model: DecoderLM;
  hfConfig: HfConfig;
  /** Path of tokenizer.json when the folder has one. */
  tokenizerPath?: string;
}

/** Loads a HF folder (config.json + weights) into a new Tessera model (f32). */
export function loadHfCheckpoint(dir: string): LoadedHfCheckpoint {
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) fail('loadHfCheckpoint', `${dir} has no config.json`);
  const hfConfig = JSON.parse(readFileSync(cfgPath, 'utf8')) as HfConfig;
  const model = new DecoderLM(resolveConfig(hfConfigToDecoderConfig(hfConfig)));
  const sd = fromHfTensors(readWeights(dir), model.config);
  for (const [k, t] of Object.entries(sd)) if (t.dtype !== 'f32') sd[k] = t.cast('f32');
  model.loadStateDict(sd);
  const tok = join(dir, 'tokenizer.json');
  return { model, hfConfig, ...(existsSync(tok) ? { tokenizerPath: tok } : {}) };
}

export interface SaveHfOptions {
  /** Storage dtype of the weights (default f32). */
  dtype?: Extract<DType, 'f32' | 'f16' | 'bf16'>;
  /** A tokenizer.json to copy into the folder. */
  tokenizerJson?: string;
}

/** Writes config.json and model.safetensors (HF names; tied weights once), each atomically. */
export function saveHfCheckpoint(model: DecoderLM, dir: string, opts: SaveHfOptions = {}): void {
  const f = formatFor('modelType', model.config.modelType);
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(toHfTensors(model.stateDict(), model.config))) {
    const cast = opts.dtype && opts.dtype !== t.dtype ? t.cast(opts.dtype) : t;
    tensors[(f.savePrefix ?? '') + k] = cast;
  }
  saveSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  const hf = f.toHfConfig(model.config);
  if (opts.dtype) hf.torch_dtype = { f32: 'float32', f16: 'float16', bf16: 'bfloat16' }[opts.dtype];
  writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(hf, null, 2)}\n`);
  if (opts.tokenizerJson) {
    if (!existsSync(opts.tokenizerJson)) fail('saveHfCheckpoint', `tokenizerJson ${opts.tokenizerJson} does not exist`);
    writeFileAtomic(join(dir, 'tokenizer.json'), readFileSync(opts.tokenizerJson));
  }
}

// What a Hugging Face model type needs: its config.json fields both ways and its parameter names.
import type { DecoderConfig, ResolvedDecoderConfig } from '../config.ts';
import type { NameRule } from './names.ts';
import { fail } from '../../util/errors.ts';

export type HfConfig = Record<string, unknown>;

export interface HfFormat {
  /** HF model_type, e.g. 'gpt2', 'llama'. */
  hfType: string;
  /** Tessera modelType it loads into. */
  modelType: string;
  rules: readonly NameRule[];
  /** Prefix written before every name on save and stripped on load when present. */
  savePrefix?: string;
  /** Checkpoint keys that are not parameters (buffers, tied copies) and are skipped on load. */
  ignore(name: string, config: ResolvedDecoderConfig): boolean;
  toHfConfig(c: ResolvedDecoderConfig): HfConfig;
  fromHfConfig(hf: HfConfig): DecoderConfig;
}

/** Reads a field of config.json, with the field named in the error when it is missing. */
export function field<T>(hf: HfConfig, key: string, kind: 'number' | 'boolean' | 'string', fallback?: T): T {
  const v = hf[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    fail('loadHfCheckpoint', `config.json lacks '${key}' (a ${kind})`);
  }
  if (typeof v !== kind) fail('loadHfCheckpoint', `config.json field '${key}' must be a ${kind}, got ${JSON.stringify(v)}`);
  return v as T;
}

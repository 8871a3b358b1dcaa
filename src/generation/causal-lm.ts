// What generation needs from a model: a forward over new tokens appended to cache slots, giving
// logits. Any decoder (the models registry's, or the small GPT here) is adapted to this.
import { KvCache, type CacheStep } from './kv-cache.ts';

export interface CausalLmConfig {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly headDim: number;
}

export interface ForwardStep extends CacheStep {
  /** Return logits only for each row's last position (prefill), (B, 1, V). */
  readonly lastOnly?: boolean;
}

export interface CausalLm {
  readonly config: CausalLmConfig;
  /** ids (B·T) appended to the rows' cache slots; returns logits (B, T, V) as float32. */
  forward(ids: ArrayLike<number>, b: number, t: number, cache: KvCache, step?: ForwardStep): Float32Array;
}

/** A cache sized for `model`: `slots` sequences of up to `maxLength` (default the context) entries. */
export function createCache(model: CausalLm, slots: number, maxLength = model.config.contextLength): KvCache {
  const c = model.config;
  return new KvCache({ nLayers: c.nLayers, nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim: c.headDim, slots, maxLength });
}

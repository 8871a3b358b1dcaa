// Reads a model shape from a Hugging Face config.json (gpt2 and llama model types), a Tessera
// model config (models/ DecoderConfig, resolved by the model registry), or a planner ModelShape.
import { readFileSync } from 'node:fs';
import { resolveConfig, type DecoderConfig } from '../../models/index.ts';
import { check, fail } from '../../util/errors.ts';
import { gptShape, validateShape } from './model.ts';
import type { ModelShape } from './types.ts';

type Json = Record<string, unknown>;

function int(cfg: Json, key: string, where: string, fallback?: number): number {
  const v = cfg[key] ?? fallback;
  check(typeof v === 'number' && Number.isInteger(v) && v > 0, where, `config field '${key}' must be a positive integer, got ${JSON.stringify(cfg[key])}`);
  return v;
}

/** A model shape from a parsed config; `seqLen` overrides the config's context length. */
export function shapeFromConfig(cfg: Json, name: string, seqLen?: number): ModelShape {
  const where = 'planner config';
  const type = cfg.model_type;
  if (type === 'gpt2') {
    const s = seqLen ?? int(cfg, 'n_positions', where);
    const base = gptShape(name, int(cfg, 'n_layer', where), int(cfg, 'n_embd', where), int(cfg, 'n_head', where), int(cfg, 'vocab_size', where), s);
    const inner = cfg.n_inner;
    const shape: ModelShape = { ...base, ffn: typeof inner === 'number' ? inner : base.ffn, seqLen: s };
    validateShape(shape, where);
    return shape;
  }
  if (type === 'llama' || type === 'mistral' || type === 'qwen2') {
    const heads = int(cfg, 'num_attention_heads', where);
    const shape: ModelShape = {
      name,
      layers: int(cfg, 'num_hidden_layers', where),
      hidden: int(cfg, 'hidden_size', where),
      heads,
      kvHeads: int(cfg, 'num_key_value_heads', where, heads),
      ffn: int(cfg, 'intermediate_size', where),
      vocab: int(cfg, 'vocab_size', where),
      seqLen: seqLen ?? int(cfg, 'max_position_embeddings', where),
      gatedMlp: true,
      tiedEmbeddings: cfg.tie_word_embeddings === true,
      learnedPositions: false,
      norm: 'rmsnorm',
      bias: cfg.attention_bias === true,
    };
    validateShape(shape, where);
    return shape;
  }
  if (typeof cfg.modelType === 'string') return shapeFromTessera(cfg as unknown as DecoderConfig, name, seqLen);
  if (type === undefined && typeof cfg.layers === 'number') {
    const shape = cfg as unknown as ModelShape;
    validateShape(shape, where);
    return { ...shape, seqLen: seqLen ?? shape.seqLen };
  }
  return fail(where, `model_type must be 'gpt2' or 'llama' (or a Tessera config with 'modelType', or a planner model with 'layers', 'hidden', ...), got ${JSON.stringify(type)}`);
}

/** The shape of a Tessera model config, with the defaults and architecture its model type fills in. */
export function shapeFromTessera(config: DecoderConfig, name: string, seqLen?: number): ModelShape {
  const c = resolveConfig(config);
  const shape: ModelShape = {
    name, layers: c.nLayers, hidden: c.dim, heads: c.nHeads, kvHeads: c.nKvHeads, ffn: c.hidden, vocab: c.vocabSize,
    seqLen: seqLen ?? c.maxSeqLen, gatedMlp: c.arch.mlp === 'swiglu', tiedEmbeddings: c.tieEmbeddings,
    learnedPositions: c.arch.positions === 'learned', norm: c.arch.norm === 'layerNorm' ? 'layernorm' : 'rmsnorm', bias: c.arch.bias,
  };
  validateShape(shape, 'planner config');
  return shape;
}

export function readModelConfig(path: string, seqLen?: number): ModelShape {
  let cfg: unknown;
  try {
    cfg = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return fail('planner config', `cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  check(typeof cfg === 'object' && cfg !== null && !Array.isArray(cfg), 'planner config', `${path} must hold a JSON object`);
  const name = path.split('/').slice(-2, -1)[0] ?? 'model';
  return shapeFromConfig(cfg as Json, name, seqLen);
}

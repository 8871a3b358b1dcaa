// Named model shapes the CLI and the reproductions refer to (the papers' configurations).
import { fail } from '../../util/errors.ts';
import { gptShape } from './model.ts';
import type { ModelShape } from './types.ts';

function llama(name: string, layers: number, hidden: number, heads: number, kvHeads: number, ffn: number, vocab: number, seqLen: number): ModelShape {
  return { name, layers, hidden, heads, kvHeads, ffn, vocab, seqLen, gatedMlp: true, tiedEmbeddings: false, learnedPositions: false, norm: 'rmsnorm', bias: false };
}

export const modelPresets: Readonly<Record<string, ModelShape>> = {
  'gpt2': gptShape('gpt2', 12, 768, 12, 50257, 1024),
  'gpt2-xl': gptShape('gpt2-xl', 48, 1600, 25, 50257, 1024),
  // Megatron-LM's GPT-3 175B shape (Table 1 row 145.6B uses the same width with 80 layers).
  'gpt3-175b': gptShape('gpt3-175b', 96, 12288, 96, 51200, 2048),
  'megatron-530b': gptShape('megatron-530b', 105, 20480, 128, 51200, 2048),
  'megatron-1t': gptShape('megatron-1t', 128, 25600, 160, 51200, 2048),
  'llama-7b': llama('llama-7b', 32, 4096, 32, 32, 11008, 32000, 2048),
  'llama-13b': llama('llama-13b', 40, 5120, 40, 40, 13824, 32000, 2048),
  'llama-65b': llama('llama-65b', 80, 8192, 64, 64, 22016, 32000, 2048),
  'llama2-70b': llama('llama2-70b', 80, 8192, 64, 8, 28672, 32000, 4096),
  'llama3-8b': llama('llama3-8b', 32, 4096, 32, 8, 14336, 128256, 8192),
};

export function modelPreset(name: string): ModelShape {
  return modelPresets[name.toLowerCase()] ?? fail('planner', `unknown model '${name}', expected one of ${Object.keys(modelPresets).join(', ')} or a config.json path`);
}

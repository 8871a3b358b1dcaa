// A servable model folder: config.json + model.safetensors + tokenizer.json, and optionally a
// tokenizer_config.json with a `chat_template` (Hugging Face layout): the models registry's GPT-2
// and Llama checkpoints.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CausalLm } from '../generation/causal-lm.ts';
import { loadTokenizer, type BpeTokenizer } from '../tokenizers/index.ts';
import { check } from '../util/errors.ts';
import { loadHfCheckpoint } from '../models/index.ts';
import { DecoderLmRunner } from '../generation/decoder-lm.ts';

export interface ServedModel {
  readonly name: string;
  readonly model: CausalLm;
  readonly tokenizer: BpeTokenizer;
  /** Ids that end generation (end-of-text specials). */
  readonly stopTokens: number[];
}

const endTokens = ['<|endoftext|>', '<|im_end|>', '</s>', '<|eot_id|>'];

export function loadModelDir(dir: string, name?: string): ServedModel {
  const where = 'serve';
  check(existsSync(join(dir, 'config.json')), where, `model folder '${dir}' has no config.json`);
  const model = new DecoderLmRunner(loadHfCheckpoint(dir).model.eval());
  check(existsSync(join(dir, 'tokenizer.json')), where, `model folder '${dir}' has no tokenizer.json`);
  const tokenizer = loadTokenizer(join(dir, 'tokenizer.json'));
  check(tokenizer.vocabSize <= model.config.vocabSize, where, `tokenizer has ${tokenizer.vocabSize} ids but the model only ${model.config.vocabSize}`);
  const stopTokens = endTokens.map((t) => tokenizer.tokenToId(t)).filter((id): id is number => id !== undefined);
  return { name: name ?? basename(resolve(dir)), model, tokenizer, stopTokens };
}

/** The model folder's chat template, if it ships one. */
export function readChatTemplate(dir: string): string | undefined {
  const p = join(dir, 'tokenizer_config.json');
  if (!existsSync(p)) return undefined;
  const t = (JSON.parse(readFileSync(p, 'utf8')) as { chat_template?: unknown }).chat_template;
  return typeof t === 'string' ? t : undefined;
}

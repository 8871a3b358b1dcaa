// The target and draft of the speculative-decoding reproduction: a GPT whose decode step is
// dominated by reading its ~5M weights and a ~30x cheaper draft with the same BPE tokenizer, both
// trained here on the State of the Union training split and cached under .cache/ (reused by later
// runs, never committed). The tests use the small committed generation fixtures instead.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, loadHfCheckpoint, saveHfCheckpoint, type DecoderConfig, type DecoderLM } from '../models/index.ts';
import { loadSotu, splitDocuments } from '../data/index.ts';
import { loadTokenizer, saveTokenizer, trainBpe, type BpeTokenizer } from '../tokenizers/index.ts';
import { writeFileAtomic } from '../util/fs.ts';
import { formatDuration } from '../train/index.ts';
import { trainDecoder } from './speculative-decoding-train.ts';

export interface ModelPair {
  readonly target: DecoderLM;
  readonly draft: DecoderLM;
  readonly tokenizer: BpeTokenizer;
  /** Held-out speeches (whitespace collapsed), where the prompts come from. */
  readonly heldOut: string[];
  /** Where the pair came from, for the report. */
  readonly source: string;
}

interface Recipe {
  readonly config: Omit<DecoderConfig, 'vocabSize'>;
  readonly steps: number;
  readonly seconds: number;
  readonly batchSize: number;
  readonly lr: number;
}

const VOCAB = 2048;
const CONTEXT = 192;
/**
 * Fixed step counts (the same models whatever the load), about 5 + 1 minutes on two idle cores;
 * the seconds cap an overloaded machine (the cosine then runs over the time budget instead). The
 * losses reached are recorded with the cache and shown in the report.
 */
const RECIPES: Record<'target' | 'draft', Recipe> = {
  target: { config: { modelType: 'gpt', maxSeqLen: CONTEXT, dim: 256, nLayers: 6, nHeads: 8, seed: 1 }, steps: 300, seconds: 1800, batchSize: 8, lr: 3e-3 },
  draft: { config: { modelType: 'gpt', maxSeqLen: CONTEXT, dim: 64, nLayers: 2, nHeads: 4, seed: 2 }, steps: 300, seconds: 600, batchSize: 8, lr: 6e-3 },
};
export const PAIR_CONTEXT = CONTEXT;
const FIXTURES = new URL('../../test/fixtures/generation/', import.meta.url).pathname;

function split(): { train: string[]; heldOut: string[] } {
  const { train, val } = splitDocuments(loadSotu(), { valFraction: 0.1, seed: 0 });
  return { train: train.map((d) => d.text), heldOut: val.map((d) => d.text.replace(/\s+/g, ' ')) };
}

/** The committed tiny pair (tests): trained on the last six speeches, so prompts come from the rest. */
export function fixturePair(): ModelPair {
  const load = (name: string): DecoderLM => loadHfCheckpoint(join(FIXTURES, name)).model.eval();
  return {
    target: load('target'), draft: load('draft'), tokenizer: loadTokenizer(join(FIXTURES, 'target', 'tokenizer.json')),
    heldOut: loadSotu().slice(0, -6).map((d) => d.text.replace(/\s+/g, ' ')), source: 'the committed generation fixtures',
  };
}

/** Loads the cached pair, or trains it (a few minutes) when missing or when `retrain` is set. */
export function trainedPair(o: { retrain: boolean; cacheRoot: string; log: (line: string) => void }): ModelPair {
  const key = createHash('sha256').update(JSON.stringify({ VOCAB, RECIPES, v: 1 })).digest('hex').slice(0, 12);
  const dir = join(o.cacheRoot, key);
  const { train, heldOut } = split();
  const done = join(dir, 'meta.json');
  const load = (name: string): DecoderLM => loadHfCheckpoint(join(dir, name)).model.eval();
  if (!o.retrain && existsSync(done)) {
    const meta = JSON.parse(readFileSync(done, 'utf8')) as { summary: string };
    o.log(`speculative-decoding: reusing the models cached in ${dir} (--retrain to train again)`);
    return { target: load('target'), draft: load('draft'), tokenizer: loadTokenizer(join(dir, 'tokenizer.json')), heldOut, source: `trained by this reproduction and cached (${meta.summary})` };
  }
  o.log(`speculative-decoding: training a ${VOCAB}-token BPE tokenizer on ${train.length} speeches`);
  const tokenizer = trainBpe(train, { vocabSize: VOCAB, specialTokens: ['<|endoftext|>'] });
  const ids = tokenizer.encode(train.join('\n<|endoftext|>\n'));
  saveTokenizer(tokenizer, join(dir, 'tokenizer.json'));
  const summaries: string[] = [];
  const models = {} as Record<'target' | 'draft', DecoderLM>;
  for (const name of ['target', 'draft'] as const) {
    const r = RECIPES[name];
    const model = createModel({ ...r.config, vocabSize: tokenizer.vocabSize });
    o.log(`speculative-decoding: training the ${name} (GPT d=${r.config.dim}, ${r.config.nLayers} layers, ${model.numParameters()} parameters) on ${ids.length} tokens: ${r.steps} steps of ${r.batchSize}×${CONTEXT} tokens, at most ${formatDuration(r.seconds)}`);
    const t0 = Date.now();
    let shown = 0;
    let avg = 0;
    const losses = trainDecoder(model, ids, {
      steps: r.steps, seconds: r.seconds, batchSize: r.batchSize, seqLen: CONTEXT, lr: r.lr, seed: 3,
      onStep: (step, loss, frac) => {
        avg = step === 1 ? loss : 0.9 * avg + 0.1 * loss;
        const el = (Date.now() - t0) / 1000;
        if (el - shown < 10 && frac < 1) return;
        shown = el;
        o.log(`  ${name} ${(100 * frac).toFixed(0).padStart(3)}% | step ${step} | loss ${avg.toFixed(3)} | ${(step * r.batchSize * CONTEXT / el / 1000).toFixed(1)}k tok/s | ${formatDuration(el)} elapsed, ETA ${formatDuration(el / frac - el)}`);
      },
    });
    const secs = (Date.now() - t0) / 1000;
    summaries.push(`${name}: ${losses.length} steps in ${secs.toFixed(0)} s, loss ${losses[0].toFixed(2)} → ${avg.toFixed(2)}`);
    o.log(`speculative-decoding: ${summaries[summaries.length - 1]}`);
    saveHfCheckpoint(model, join(dir, name));
    models[name] = model.eval();
  }
  writeFileAtomic(done, JSON.stringify({ summary: summaries.join('; '), recipes: RECIPES }, null, 1) + '\n');
  return { ...models, tokenizer, heldOut, source: `trained by this run (${summaries.join('; ')})` };
}

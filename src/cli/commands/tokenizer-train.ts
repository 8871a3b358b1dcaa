// `tessera tokenizer train`: learn a byte-level BPE vocabulary on a corpus and save tokenizer.json;
// optionally tokenize the corpus into train/val token files and report the bigram baseline.
import { parseArgs } from 'node:util';
import { corpusStats, loadCorpus, prepareData } from '../../data/index.ts';
import { chatTokens, endOfText, saveTokenizer, trainBpe } from '../../tokenizers/index.ts';
import { check } from '../../util/errors.ts';
import type { Command } from '../command.ts';

const help = `Usage: tessera tokenizer train [options]

Learns a byte-level BPE vocabulary (GPT-2 style) and writes a Hugging Face compatible tokenizer.json.

Options:
  --corpus <sotu|path>    corpus: 'sotu' (State of the Union, default), or a .txt/.md/.jsonl file or folder
  --text-field <name>     JSONL field holding the text (default: text)
  --vocab-size <n>        vocabulary size including bytes and special tokens (default: 8192)
  --special <token>       special token, repeatable (default: <|endoftext|>)
  --chat                  also add the chat markers <|im_start|> and <|im_end|>
  --min-frequency <n>     smallest pair count that is still merged (default: 2)
  --out <file>            where to write tokenizer.json (default: tokenizer.json)
  --data-out <dir>        also write <dir>/train.bin and <dir>/val.bin (+ .json sidecars) and
                          print the add-one bigram validation loss (nats/token)
  --val-fraction <f>      fraction of documents for validation with --data-out (default: 0.1)
  --seed <n>              split seed (default: 0)
  --bigram-k <k>          add-k smoothing of the bigram baseline (default: 1)
  -h, --help              show this help`;

function intArg(name: string, v: string, min: number): number {
  const n = Number(v);
  check(Number.isInteger(n) && n >= min, 'tokenizer train', `--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

export const tokenizerTrainCommand: Command = {
  name: 'tokenizer train',
  summary: 'train a byte-level BPE tokenizer and save tokenizer.json',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        corpus: { type: 'string', default: 'sotu' },
        'text-field': { type: 'string', default: 'text' },
        'vocab-size': { type: 'string', default: '8192' },
        special: { type: 'string', multiple: true },
        chat: { type: 'boolean', default: false },
        'min-frequency': { type: 'string', default: '2' },
        out: { type: 'string', default: 'tokenizer.json' },
        'data-out': { type: 'string' },
        'val-fraction': { type: 'string', default: '0.1' },
        seed: { type: 'string', default: '0' },
        'bigram-k': { type: 'string', default: '1' },
      },
    });
    const vocabSize = intArg('vocab-size', values['vocab-size'], 257);
    const minFrequency = intArg('min-frequency', values['min-frequency'], 1);
    const seed = intArg('seed', values.seed, 0);
    const valFraction = Number(values['val-fraction']);
    check(valFraction >= 0 && valFraction < 1, 'tokenizer train', `--val-fraction must be a number in [0, 1), got '${values['val-fraction']}'`);
    const bigramK = Number(values['bigram-k']);
    check(bigramK > 0, 'tokenizer train', `--bigram-k must be a number > 0, got '${values['bigram-k']}'`);
    const specialTokens = [...(values.special ?? [endOfText]), ...(values.chat ? chatTokens : [])];

    const docs = loadCorpus(values.corpus, { textField: values['text-field'] });
    const stats = corpusStats(docs);
    console.log(`corpus ${values.corpus}: ${stats.documents} documents, ${stats.characters} characters`);
    const t0 = performance.now();
    const secs = (): string => ((performance.now() - t0) / 1000).toFixed(2);
    let tMerge = t0;
    const tok = trainBpe(docs.map((d) => d.text), {
      vocabSize, specialTokens, minFrequency, progressEvery: 1000,
      onProgress: (p) => {
        if (p.merges === 0) {
          tMerge = performance.now();
          process.stderr.write(`  counted ${p.uniqueWords} distinct pre-tokens in ${secs()}s\n`);
          return;
        }
        const rate = p.merges / Math.max((performance.now() - tMerge) / 1000, 1e-9);
        const eta = ((p.targetMerges - p.merges) / Math.max(rate, 1e-9)).toFixed(1);
        process.stderr.write(`  merges ${p.merges}/${p.targetMerges}  last pair count ${p.lastCount}  ${secs()}s  eta ${eta}s\n`);
      },
    });
    console.log(`trained ${tok.vocabSize} tokens (${tok.merges.length} merges) in ${secs()}s`);
    if (tok.vocabSize < vocabSize) console.log(`note: no pair occurs ${minFrequency}+ times any more; the vocabulary is smaller than ${vocabSize}`);
    saveTokenizer(tok, values.out);
    console.log(`wrote ${values.out}`);

    if (values['data-out']) {
      const t1 = performance.now();
      const r = prepareData(docs, tok, values['data-out'], { valFraction, seed, eot: specialTokens[0], bigramK });
      const dt = ((performance.now() - t1) / 1000).toFixed(2);
      console.log(`tokens: train ${r.train.tokenCount} (${r.train.documents} documents), val ${r.val.tokenCount} (${r.val.documents} documents), ${(stats.characters / (r.train.tokenCount + r.val.tokenCount)).toFixed(2)} characters/token, ${dt}s`);
      console.log(`wrote ${r.trainPath} and ${r.valPath} (${r.train.dtype})`);
      console.log(`bigram baseline (add-${bigramK}, val fraction ${valFraction}, seed ${seed}): ${r.bigramValLoss.toFixed(4)} nats/token`);
    }
    return 0;
  },
};

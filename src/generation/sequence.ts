// One sequence being decoded: its sampler, random stream, penalties, stop conditions and streamed
// text. Plain, batched, speculative decoding and the server's scheduler all drive this one class.
import { Rng } from '../util/rng.ts';
import { check } from '../util/errors.ts';
import { TextStream } from './stopping.ts';
import { TokenHistory, argmax, distribution, logSoftmaxRow, sampleFrom, samplingDefaults, type SamplingOptions } from './sampling.ts';

export interface DecodeOptions extends SamplingOptions {
  /** Most tokens to generate (default 16). */
  readonly maxTokens?: number;
  /** Seed of the sequence's random stream (default 0). */
  readonly seed?: number;
  /** Token ids that end the sequence (not included in the output). */
  readonly stopTokens?: readonly number[];
  /** Strings that end the sequence (cut from the text); needs `decode`. */
  readonly stopStrings?: readonly string[];
  readonly decode?: (ids: readonly number[]) => string;
  /** Record each chosen token's log-probability and this many alternatives. */
  readonly logprobs?: number;
}

export type FinishReason = 'stop' | 'length' | 'cancelled';

export interface TokenLogprob {
  readonly token: number;
  readonly logprob: number;
  readonly top: readonly { readonly token: number; readonly logprob: number }[];
}

export class Sequence {
  readonly tokens: number[] = [];
  readonly history: TokenHistory;
  readonly rng: Rng;
  readonly sampling: Required<SamplingOptions>;
  readonly maxTokens: number;
  readonly logprobs: TokenLogprob[] = [];
  finishReason: FinishReason | null = null;
  /** Text released so far (stop strings cut); empty without a decoder. */
  text = '';
  private readonly stream: TextStream | null;
  private readonly stopTokens: ReadonlySet<number>;

  constructor(readonly prompt: readonly number[], readonly opts: DecodeOptions, vocabSize: number, private readonly contextLength: number) {
    check(prompt.length > 0, 'generate', 'a prompt must hold at least one token');
    check(prompt.length < contextLength, 'generate', `prompt of ${prompt.length} tokens leaves no room in the context of ${contextLength}`);
    for (const t of prompt) check(Number.isInteger(t) && t >= 0 && t < vocabSize, 'generate', `prompt token ${t} is outside 0..${vocabSize - 1}`);
    this.sampling = samplingDefaults(opts);
    this.maxTokens = opts.maxTokens ?? 16;
    check(Number.isInteger(this.maxTokens) && this.maxTokens >= 0, 'generate', `maxTokens must be an integer >= 0, got ${this.maxTokens}`);
    check(!opts.stopStrings?.length || opts.decode, 'generate', 'stopStrings need a decode function');
    this.history = new TokenHistory(vocabSize, prompt);
    this.rng = new Rng(opts.seed ?? 0);
    this.stream = opts.decode ? new TextStream(opts.decode, opts.stopStrings ?? []) : null;
    this.stopTokens = new Set(opts.stopTokens ?? []);
    if (this.maxTokens === 0) this.finishReason = 'length';
  }

  get done(): boolean {
    return this.finishReason !== null;
  }

  /** The distribution the next token is drawn from, given the model's logits. */
  distribution(logits: ArrayLike<number>): Float64Array {
    return distribution(logits, this.sampling, this.history);
  }

  /** Chooses the next token: the argmax when greedy, else a draw from this sequence's stream. */
  pick(logits: ArrayLike<number>): number {
    const p = this.distribution(logits);
    return this.sampling.temperature === 0 ? argmax(p) : sampleFrom(p, this.rng.uniform());
  }

  /** Appends a chosen token (with the logits it came from, for logprobs); returns released text. */
  append(token: number, logits?: ArrayLike<number>): string {
    check(!this.done, 'generate', 'the sequence has already finished');
    if (this.opts.logprobs !== undefined && logits) this.logprobs.push(tokenLogprob(logits, token, this.opts.logprobs));
    if (this.stopTokens.has(token)) {
      this.finishReason = 'stop';
      return this.stream ? this.flush() : '';
    }
    this.tokens.push(token);
    this.history.push(token);
    let delta = '';
    if (this.stream) {
      delta = this.stream.update(this.tokens);
      this.text = this.stream.text;
      if (this.stream.stopped) {
        this.finishReason = 'stop';
        return delta;
      }
    }
    if (this.tokens.length >= this.maxTokens || this.prompt.length + this.tokens.length >= this.contextLength) {
      this.finishReason = 'length';
      if (this.stream) delta += this.flush();
    }
    return delta;
  }

  /** Ends the sequence early (client gone); returns nothing more. */
  cancel(): void {
    if (!this.done) this.finishReason = 'cancelled';
  }

  private flush(): string {
    const d = this.stream!.finish(this.tokens);
    this.text = this.stream!.text;
    return d;
  }
}

function tokenLogprob(logits: ArrayLike<number>, token: number, top: number): TokenLogprob {
  const lp = logSoftmaxRow(logits);
  const order = top > 0 ? Array.from({ length: lp.length }, (_, i) => i).sort((a, b) => lp[b] - lp[a] || a - b).slice(0, top) : [];
  return { token, logprob: lp[token], top: order.map((t) => ({ token: t, logprob: lp[t] })) };
}

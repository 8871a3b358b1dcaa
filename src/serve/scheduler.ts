// Continuous batching: every sequence owns a cache slot; each step first admits the queued requests
// that fit into free slots (prefilled together by prompt length, one prompt shared by a request's n choices), then
// runs one decode forward over every running sequence, so new requests join between decode steps.
import type { CausalLm } from '../generation/causal-lm.ts';
import { createCache } from '../generation/causal-lm.ts';
import type { KvCache } from '../generation/kv-cache.ts';
import { Sequence } from '../generation/sequence.ts';
import { check } from '../util/errors.ts';
import type { DoneOut, SubmitMessage, TokenOut } from './protocol.ts';

export interface SchedulerTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** Ids that end a sequence (end of text). */
  readonly stopTokens: readonly number[];
}

export interface Rejection {
  readonly status: number;
  readonly message: string;
  readonly param: string | null;
}

interface Queued {
  readonly id: string;
  readonly prompt: number[];
  readonly msg: SubmitMessage;
}

interface Running {
  readonly id: string;
  readonly index: number;
  readonly slot: number;
  readonly seq: Sequence;
}

export interface StepOutput {
  readonly tokens: TokenOut[];
  readonly done: DoneOut[];
}

export class Scheduler {
  private readonly queue: Queued[] = [];
  private readonly slots: (Running | null)[];
  private readonly cache: KvCache;
  /** Decode steps run and the batch size of each, for tests and metrics. */
  readonly batchSizes: number[] = [];

  constructor(private readonly model: CausalLm, private readonly tok: SchedulerTokenizer, slots: number) {
    check(Number.isInteger(slots) && slots > 0, 'Scheduler', `slots must be a positive integer, got ${slots}`);
    this.slots = new Array<Running | null>(slots).fill(null);
    this.cache = createCache(model, slots);
  }

  get busy(): boolean {
    return this.queue.length > 0 || this.slots.some((s) => s !== null);
  }

  get running(): number {
    return this.slots.filter((s) => s !== null).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Queues a request, or says why it cannot run. */
  submit(msg: SubmitMessage): Rejection | null {
    const { vocabSize, contextLength } = this.model.config;
    const prompt = typeof msg.prompt === 'string' ? this.tok.encode(msg.prompt) : [...msg.prompt];
    if (prompt.length === 0) return { status: 400, message: 'prompt must not be empty', param: 'prompt' };
    if (prompt.length >= contextLength) {
      return { status: 400, message: `the prompt has ${prompt.length} tokens; this model's context holds ${contextLength}, and at least one must be left to generate`, param: 'prompt' };
    }
    const bad = prompt.find((t) => !Number.isInteger(t) || t < 0 || t >= vocabSize);
    if (bad !== undefined) return { status: 400, message: `prompt token ${bad} is outside 0..${vocabSize - 1}`, param: 'prompt' };
    if (msg.n > this.slots.length) return { status: 400, message: `n must be at most ${this.slots.length} (the server's batch slots), got ${msg.n}`, param: 'n' };
    this.queue.push({ id: msg.id, prompt, msg });
    return null;
  }

  /** Drops a request, queued or running; its sequences end with finish reason 'cancelled'. */
  cancel(id: string): void {
    const q = this.queue.findIndex((r) => r.id === id);
    if (q >= 0) this.queue.splice(q, 1);
    this.slots.forEach((r, i) => {
      if (r?.id === id) { r.seq.cancel(); this.slots[i] = null; }
    });
  }

  /** Admits what fits, then decodes one token for every running sequence. */
  step(): StepOutput {
    const out: StepOutput = { tokens: [], done: [] };
    this.admit(out);
    const rows = this.slots.map((r, i) => (r && !r.seq.done ? i : -1)).filter((i) => i >= 0);
    if (rows.length > 0) {
      const ids = rows.map((s) => { const t = this.slots[s]!.seq.tokens; return t[t.length - 1]; });
      const logits = this.model.forward(ids, rows.length, 1, this.cache, { rows });
      this.batchSizes.push(rows.length);
      const v = this.model.config.vocabSize;
      rows.forEach((s, k) => this.advance(this.slots[s]!, logits.subarray(k * v, (k + 1) * v), out));
    }
    return out;
  }

  // Takes every queued request that fits and prefills those of one prompt length together, each
  // into its first slot, copied to the slots of its other choices. Equal lengths need no padding, so
  // every slot's cache starts with a real token and decoding steps attend to all slots in one call.
  private admit(out: StepOutput): void {
    const free = this.slots.map((r, i) => (r === null ? i : -1)).filter((i) => i >= 0);
    const byLength = new Map<number, { q: Queued; slots: number[] }[]>();
    while (this.queue.length > 0 && free.length >= this.queue[0].msg.n) {
      const q = this.queue.shift()!;
      const group = byLength.get(q.prompt.length) ?? [];
      group.push({ q, slots: free.splice(0, q.msg.n) });
      byLength.set(q.prompt.length, group);
    }
    for (const [t, batch] of byLength) this.prefill(batch, t, out);
  }

  private prefill(batch: { q: Queued; slots: number[] }[], t: number, out: StepOutput): void {
    const ids = new Int32Array(batch.length * t);
    batch.forEach(({ q, slots }, i) => {
      this.cache.reset(slots[0]);
      ids.set(q.prompt, i * t);
    });
    const logits = this.model.forward(ids, batch.length, t, this.cache, { rows: batch.map((x) => x.slots[0]), lastOnly: true });
    const v = this.model.config.vocabSize;
    batch.forEach(({ q, slots }, bi) => {
      const o = q.msg.options;
      slots.forEach((slot, i) => {
        if (i > 0) this.cache.copySlot(this.cache, slots[0], slot);
        const seq = new Sequence(q.prompt, {
          maxTokens: o.maxTokens, temperature: o.temperature, topP: o.topP, topK: o.topK, minP: o.minP,
          repetitionPenalty: o.repetitionPenalty, frequencyPenalty: o.frequencyPenalty, presencePenalty: o.presencePenalty,
          seed: (o.seed ?? Math.floor(Math.random() * 2 ** 31)) + i, stopTokens: o.ignoreEos ? [] : this.tok.stopTokens, stopStrings: o.stop,
          decode: (ids) => this.tok.decode(ids), logprobs: o.logprobs,
        }, v, this.model.config.contextLength);
        const r: Running = { id: q.id, index: i, slot, seq };
        this.slots[slot] = r;
        if (seq.done) this.finish(r, out);
        else this.advance(r, logits.subarray(bi * v, (bi + 1) * v), out);
      });
    });
  }

  private advance(r: Running, logits: Float32Array, out: StepOutput): void {
    const before = r.seq.tokens.length;
    const token = r.seq.pick(logits);
    const text = r.seq.append(token, logits);
    if (r.seq.tokens.length > before) {
      const lp = r.seq.logprobs[r.seq.logprobs.length - 1];
      // A token's own text is needed only for logprobs.
      out.tokens.push({
        id: r.id, index: r.index, token, piece: lp ? this.tok.decode([token]) : '', text,
        ...(lp ? { logprob: lp.logprob, top: lp.top.map((t) => ({ token: this.tok.decode([t.token]), logprob: t.logprob })) } : {}),
      });
    } else if (text) {
      out.tokens.push({ id: r.id, index: r.index, token: -1, piece: '', text });
    }
    if (r.seq.done) this.finish(r, out);
  }

  private finish(r: Running, out: StepOutput): void {
    this.slots[r.slot] = null;
    out.done.push({ id: r.id, index: r.index, finishReason: r.seq.finishReason ?? 'length', promptTokens: r.seq.prompt.length, completionTokens: r.seq.tokens.length });
  }
}

// Messages between the HTTP thread and the model worker thread.
import type { FinishReason } from '../generation/sequence.ts';

export interface RequestOptions {
  readonly maxTokens: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly minP?: number;
  readonly repetitionPenalty?: number;
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  readonly seed?: number;
  readonly stop?: readonly string[];
  /** Keep generating past end-of-text tokens (benchmarks: every request runs to maxTokens). */
  readonly ignoreEos?: boolean;
  /** Alternatives per token to report (undefined: no logprobs). */
  readonly logprobs?: number;
}

export interface SubmitMessage {
  readonly type: 'submit';
  readonly id: string;
  /** Text (tokenized in the worker) or token ids. */
  readonly prompt: string | readonly number[];
  readonly n: number;
  readonly options: RequestOptions;
}

export type ToWorker = SubmitMessage | { readonly type: 'cancel'; readonly id: string } | { readonly type: 'shutdown' };

export interface TopLogprob {
  readonly token: string;
  readonly logprob: number;
}

export interface TokenOut {
  readonly id: string;
  readonly index: number;
  readonly token: number;
  /** The token's own text and the text it released (stop strings and partial characters held back). */
  readonly piece: string;
  readonly text: string;
  readonly logprob?: number;
  readonly top?: readonly TopLogprob[];
}

export interface DoneOut {
  readonly id: string;
  readonly index: number;
  readonly finishReason: FinishReason;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface ModelInfo {
  readonly name: string;
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly slots: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly model: ModelInfo }
  | { readonly type: 'events'; readonly tokens: readonly TokenOut[]; readonly done: readonly DoneOut[] }
  | { readonly type: 'rejected'; readonly id: string; readonly status: number; readonly message: string; readonly param: string | null }
  | { readonly type: 'fatal'; readonly message: string };

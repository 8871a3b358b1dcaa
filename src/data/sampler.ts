// Random (B, T+1) windows from a token file. The RNG is counter-based (seed, step), so the whole
// sampler state is two integers and a restored sampler yields exactly the same batches.
import { check } from '../util/errors.ts';
import type { TokenFile } from './token-file.ts';

export interface SamplerState {
  readonly seed: number;
  /** Number of batches drawn so far. */
  readonly step: number;
}

export interface Batch {
  /** (B, T+1) row-major: inputs are [:, :T], targets [:, 1:]. */
  readonly tokens: Int32Array;
  readonly batchSize: number;
  readonly seqLen: number;
}

// 32-bit avalanche mix (murmur3 finaliser); combined twice for 53 random bits.
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform float in [0, 1) determined by (seed, step, row). */
export function counterUniform(seed: number, step: number, row: number): number {
  const a = mix32(mix32(mix32(seed ^ 0x9e3779b9) ^ step) ^ Math.imul(row + 1, 0x27d4eb2f));
  const b = mix32(a ^ 0x165667b1);
  return (a * 2 ** 21 + (b >>> 11)) / 2 ** 53;
}

export class BatchSampler {
  private seed: number;
  private step: number;

  constructor(private readonly file: TokenFile, readonly batchSize: number, readonly seqLen: number, state: SamplerState = { seed: 0, step: 0 }) {
    check(Number.isInteger(batchSize) && batchSize > 0, 'BatchSampler', `batchSize must be a positive integer, got ${batchSize}`);
    check(Number.isInteger(seqLen) && seqLen > 0, 'BatchSampler', `seqLen must be a positive integer, got ${seqLen}`);
    check(file.length >= seqLen + 1, 'BatchSampler', `${file.path} has ${file.length} tokens; need at least seqLen + 1 = ${seqLen + 1}`);
    this.seed = state.seed;
    this.step = state.step;
    check(Number.isInteger(this.seed) && Number.isInteger(this.step) && this.step >= 0, 'BatchSampler', 'state needs integer seed and step >= 0');
  }

  /** Window starts of batch `step` (uniform over every valid start). */
  starts(step: number): number[] {
    const span = this.file.length - this.seqLen;
    return Array.from({ length: this.batchSize }, (_, r) => Math.floor(counterUniform(this.seed, step, r) * span));
  }

  next(): Batch {
    const w = this.seqLen + 1;
    const tokens = new Int32Array(this.batchSize * w); // (B, T+1)
    this.starts(this.step).forEach((s, r) => this.file.read(s, tokens.subarray(r * w, (r + 1) * w)));
    this.step++;
    return { tokens, batchSize: this.batchSize, seqLen: this.seqLen };
  }

  state(): SamplerState {
    return { seed: this.seed, step: this.step };
  }

  restore(state: SamplerState): void {
    this.seed = state.seed;
    this.step = state.step;
  }
}

/**
 * Consecutive (B, T+1) windows at stride T, so every token after the first is a target exactly
 * once: for a deterministic validation loss. The last partial batch is dropped.
 */
export function* sequentialBatches(file: TokenFile, batchSize: number, seqLen: number, maxBatches = Infinity): Generator<Batch> {
  check(batchSize > 0 && seqLen > 0, 'sequentialBatches', `batchSize and seqLen must be positive, got ${batchSize} and ${seqLen}`);
  const windows = Math.floor((file.length - 1) / seqLen);
  const w = seqLen + 1;
  for (let b = 0; b < maxBatches && (b + 1) * batchSize <= windows; b++) {
    const tokens = new Int32Array(batchSize * w); // (B, T+1)
    for (let r = 0; r < batchSize; r++) file.read((b * batchSize + r) * seqLen, tokens.subarray(r * w, (r + 1) * w));
    yield { tokens, batchSize, seqLen };
  }
}

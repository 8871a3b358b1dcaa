// Composable stop conditions, checked after every message of a run. Each returns a reason or
// null; `or` fires when either side has fired, `and` once both have (each side latches).
import type { Usage } from '../spec/chat-model.ts';
import { check } from '../util/errors.ts';
import { endsWithMarker, type ChatEntry } from './messages.ts';

/** What a condition sees: the run so far. */
export interface RunView {
  readonly transcript: readonly ChatEntry[];
  /** Completed turns: replies by the non-initiating side (two-agent) or speaker turns (group). */
  readonly turns: number;
  readonly usage: Usage;
  readonly cost: number;
  readonly elapsedMs: number;
}

export abstract class TerminationCondition {
  abstract readonly name: string;
  protected fired: string | null = null;

  /** The stop reason once the condition holds (and from then on until reset), else null. */
  check(view: RunView): string | null {
    if (this.fired === null) this.fired = this.evaluate(view);
    return this.fired;
  }

  protected abstract evaluate(view: RunView): string | null;

  reset(): void {
    this.fired = null;
  }

  save(): unknown {
    return this.fired;
  }

  load(state: unknown): void {
    this.fired = typeof state === 'string' ? state : null;
  }

  or(other: TerminationCondition): TerminationCondition {
    return anyOf(this, other);
  }

  and(other: TerminationCondition): TerminationCondition {
    return allOf(this, other);
  }
}

class Combined extends TerminationCondition {
  readonly name: string;
  constructor(private readonly kind: 'any' | 'all', private readonly parts: TerminationCondition[]) {
    super();
    check(parts.length > 0, `${kind}Of`, 'expected at least one condition');
    this.name = `${kind}(${parts.map((p) => p.name).join(', ')})`;
  }
  protected evaluate(view: RunView): string | null {
    // Check every part so each latches on the message where it first holds.
    const reasons = this.parts.map((p) => p.check(view));
    if (this.kind === 'any') return reasons.find((r) => r !== null) ?? null;
    return reasons.every((r) => r !== null) ? reasons.join(' and ') : null;
  }
  override reset(): void {
    super.reset();
    this.parts.forEach((p) => p.reset());
  }
  override save(): unknown {
    return { fired: this.fired, parts: this.parts.map((p) => p.save()) };
  }
  override load(state: unknown): void {
    const s = state as { fired: string | null; parts: unknown[] };
    this.fired = s.fired;
    this.parts.forEach((p, i) => p.load(s.parts[i]));
  }
}

export function anyOf(...parts: TerminationCondition[]): TerminationCondition {
  return new Combined('any', parts);
}

export function allOf(...parts: TerminationCondition[]): TerminationCondition {
  return new Combined('all', parts);
}

export class MaxMessages extends TerminationCondition {
  readonly name = 'MaxMessages';
  constructor(private readonly max: number) {
    super();
    check(Number.isInteger(max) && max > 0, 'MaxMessages', `max must be a positive integer, got ${max}`);
  }
  protected evaluate(v: RunView): string | null {
    return v.transcript.length >= this.max ? `max messages (${this.max}) reached` : null;
  }
}

export class MaxTurns extends TerminationCondition {
  readonly name = 'MaxTurns';
  constructor(private readonly max: number) {
    super();
    check(Number.isInteger(max) && max > 0, 'MaxTurns', `max must be a positive integer, got ${max}`);
  }
  protected evaluate(v: RunView): string | null {
    return v.turns >= this.max ? `max turns (${this.max}) reached` : null;
  }
}

/** Fires when the last message ends with `text` as a whole token, optionally only from `sources`. */
export class TextMention extends TerminationCondition {
  readonly name = 'TextMention';
  constructor(private readonly text: string, private readonly sources?: readonly string[]) {
    super();
  }
  protected evaluate(v: RunView): string | null {
    const last = v.transcript.at(-1);
    if (!last || (this.sources && !this.sources.includes(last.from))) return null;
    return endsWithMarker(last.message.content, this.text) ? `text '${this.text}' mentioned by ${last.from}` : null;
  }
}

export interface TokenLimits {
  readonly maxTotal?: number;
  readonly maxPrompt?: number;
  readonly maxCompletion?: number;
}

export class TokenUsage extends TerminationCondition {
  readonly name = 'TokenUsage';
  constructor(private readonly limits: TokenLimits) {
    super();
    check(Object.values(limits).some((x) => x !== undefined), 'TokenUsage', 'set at least one of maxTotal, maxPrompt, maxCompletion');
  }
  protected evaluate(v: RunView): string | null {
    const { maxTotal, maxPrompt, maxCompletion } = this.limits;
    if (maxTotal !== undefined && v.usage.totalTokens >= maxTotal) return `token budget: ${v.usage.totalTokens} total tokens >= ${maxTotal}`;
    if (maxPrompt !== undefined && v.usage.promptTokens >= maxPrompt) return `token budget: ${v.usage.promptTokens} prompt tokens >= ${maxPrompt}`;
    if (maxCompletion !== undefined && v.usage.completionTokens >= maxCompletion) return `token budget: ${v.usage.completionTokens} completion tokens >= ${maxCompletion}`;
    return null;
  }
}

export class CostBudget extends TerminationCondition {
  readonly name = 'CostBudget';
  constructor(private readonly max: number) {
    super();
  }
  protected evaluate(v: RunView): string | null {
    return v.cost >= this.max ? `cost budget: ${v.cost.toFixed(6)} >= ${this.max}` : null;
  }
}

/** Wall time since the run started, read from the run's (injectable) clock. */
export class Timeout extends TerminationCondition {
  readonly name = 'Timeout';
  constructor(private readonly ms: number) {
    super();
  }
  protected evaluate(v: RunView): string | null {
    return v.elapsedMs >= this.ms ? `timeout after ${this.ms} ms` : null;
  }
}

/** Fires when a tool hands control to `target` (or to anyone, when no target is given). */
export class Handoff extends TerminationCondition {
  readonly name = 'Handoff';
  constructor(private readonly target?: string) {
    super();
  }
  protected evaluate(v: RunView): string | null {
    const h = v.transcript.at(-1)?.message.handoff;
    return h !== undefined && (this.target === undefined || h === this.target) ? `handoff to ${h}` : null;
  }
}

/** Stopped from outside the run (another task, a UI button) by calling `set()`. */
export class External extends TerminationCondition {
  readonly name = 'External';
  private requested: string | null = null;
  set(reason = 'stopped externally'): void {
    this.requested = reason;
  }
  protected evaluate(): string | null {
    return this.requested;
  }
  override reset(): void {
    super.reset();
    this.requested = null;
  }
}

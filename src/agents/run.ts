// One run of a conversation: its transcript, usage, clock, trace and checkpoint store. Every
// delivered message is traced, checkpointed (with everything needed to resume) and then checked
// against the run's termination condition.
import { randomUUID } from 'node:crypto';
import type { AgentState } from './agent-state.ts';
import type { ChatEntry } from './messages.ts';
import type { TerminationCondition } from './termination.ts';
import { nullTracer, type Tracer } from './tracing.ts';
import { UsageLedger, type PriceTable, type UsageSnapshot } from './usage.ts';

/** What reply functions and model calls see of the run they are part of. */
export interface RunContext {
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly tracer: Tracer;
  readonly ledger: UsageLedger;
  readonly clock: () => number;
}

export interface RunSnapshot {
  readonly runId: string;
  readonly kind: string;
  readonly transcript: readonly ChatEntry[];
  readonly usage: UsageSnapshot;
  readonly agents: Readonly<Record<string, AgentState>>;
  /** The driver's own position: whose turn it is, RNG state, round counters. */
  readonly driver: unknown;
  readonly termination: unknown;
  readonly elapsedMs: number;
}

export interface CheckpointStore {
  /** Stores the message and the state after it, atomically. */
  save(snapshot: RunSnapshot): void;
  load(runId: string): RunSnapshot | null;
}

export interface RunOptions {
  readonly runId?: string;
  readonly termination?: TerminationCondition;
  readonly store?: CheckpointStore;
  readonly tracer?: Tracer;
  readonly prices?: PriceTable;
  readonly clock?: () => number;
  readonly signal?: AbortSignal;
  /** Share another run's ledger, so a nested chat's tokens count in its parent. */
  readonly ledger?: UsageLedger;
  /** A hard cap on messages in one run, whatever else is configured. Default 100. */
  readonly maxMessages?: number;
}

export interface Participant {
  readonly name: string;
  saveState(): AgentState;
  loadState(state: AgentState): void;
}

export class Run implements RunContext {
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly tracer: Tracer;
  readonly ledger: UsageLedger;
  readonly clock: () => number;
  transcript: ChatEntry[] = [];
  private readonly startedAt: number;
  private elapsedBefore = 0;

  constructor(readonly kind: string, private readonly participants: readonly Participant[], private readonly o: RunOptions = {}) {
    this.runId = o.runId ?? randomUUID();
    this.signal = o.signal ?? new AbortController().signal;
    this.tracer = o.tracer ?? nullTracer;
    this.ledger = o.ledger ?? new UsageLedger(o.prices);
    this.clock = o.clock ?? Date.now;
    this.startedAt = this.clock();
  }

  get elapsedMs(): number {
    return this.elapsedBefore + this.clock() - this.startedAt;
  }

  /** Appends a delivered message, checkpoints, and returns a stop reason if the run should end. */
  record(entry: ChatEntry, turns: number, driver: unknown): string | null {
    this.transcript.push(entry);
    const m = entry.message;
    this.tracer.emit({ type: 'message', seq: this.transcript.length, from: entry.from, to: entry.to, content: m.content, ...(m.toolCalls ? { toolCalls: m.toolCalls.length } : {}), ...(m.toolResults ? { toolResults: m.toolResults.length } : {}) });
    const view = { transcript: this.transcript, turns, usage: this.ledger.total, cost: this.ledger.cost, elapsedMs: this.elapsedMs };
    const reason = this.o.termination?.check(view) ?? (this.transcript.length >= (this.o.maxMessages ?? 100) ? `message cap (${this.o.maxMessages ?? 100}) reached` : null);
    this.o.store?.save(this.snapshot(driver));
    return reason;
  }

  snapshot(driver: unknown): RunSnapshot {
    return {
      runId: this.runId,
      kind: this.kind,
      transcript: this.transcript,
      usage: this.ledger.toJSON(),
      agents: Object.fromEntries(this.participants.map((p) => [p.name, p.saveState()])),
      driver,
      termination: this.o.termination?.save() ?? null,
      elapsedMs: this.elapsedMs,
    };
  }

  /** Puts the run and its participants back where the snapshot left them. */
  restore(s: RunSnapshot): void {
    this.transcript = [...s.transcript];
    this.ledger.load(s.usage);
    for (const p of this.participants) {
      const st = s.agents[p.name];
      if (st) p.loadState(st);
    }
    if (s.termination !== null) this.o.termination?.load(s.termination);
    this.elapsedBefore = s.elapsedMs - (this.clock() - this.startedAt);
  }
}
